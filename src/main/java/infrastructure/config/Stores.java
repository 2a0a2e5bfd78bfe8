package infrastructure.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import domain.access.ApiKeyRepository;
import domain.access.Revocations;
import domain.cache.CachePolicy;
import domain.cache.CacheRepository;
import domain.cache.Ttl;
import domain.progress.ProgressPolicy;
import domain.progress.ProgressRepository;
import domain.progress.ProgressTickets;
import application.ProgressSettings;
import application.TaskSettings;
import domain.task.QueueSettings;
import domain.task.RetryPolicy;
import domain.task.TaskRepository;
import infrastructure.memory.InMemoryTaskRepository;
import infrastructure.redis.RedisTaskRepository;
import infrastructure.memory.InMemoryProgressTickets;
import infrastructure.memory.InMemoryRevocations;
import infrastructure.redis.RedisProgressTickets;
import domain.session.SessionPolicy;
import domain.session.SessionRepository;
import domain.store.StoreProbe;
import domain.store.StorePulse;
import infrastructure.memory.InMemoryApiKeyRepository;
import application.ApiLeasing;
import application.RateLimitSettings;
import domain.InvalidValueException;
import domain.ratelimit.ApiPolicy;
import domain.ratelimit.FailMode;
import domain.ratelimit.Limit;
import domain.ratelimit.PolicyName;
import domain.ratelimit.LeasePlan;
import domain.ratelimit.RateLimitPolicies;
import domain.ratelimit.RateLimitPolicy;
import domain.ratelimit.RateLimitRepository;
import domain.ratelimit.Window;
import infrastructure.memory.InMemoryCacheRepository;
import infrastructure.memory.InMemoryProgressRepository;
import infrastructure.memory.InMemoryRateLimitPolicies;
import infrastructure.memory.InMemoryRateLimitRepository;
import infrastructure.memory.InMemorySessionRepository;
import infrastructure.memory.InMemoryStoreProbe;
import infrastructure.redis.RedisApiKeyRepository;
import infrastructure.redis.RedisCacheRepository;
import infrastructure.redis.RedisProgressRepository;
import infrastructure.redis.RedisRateLimitPolicies;
import infrastructure.redis.RedisRateLimitRepository;
import infrastructure.redis.RedisRevocations;
import infrastructure.redis.RedisSessionRepository;
import infrastructure.redis.RedisStoreProbe;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Chooses the adapter of every port from {@code cache-domain.store}, at startup, so that a
 * misconfigured store stops the service before it takes traffic. The Redis client is looked up
 * only when Redis is the store, so the embedded store never opens a connection.
 */
@ApplicationScoped
public class Stores {

    private static final Logger LOG = Logger.getLogger(Stores.class);

    /** A project's sequence and statistics outlive its longest-lived entry by this much. */
    private static final Duration RETENTION_MARGIN = Duration.ofDays(1);

    /** Reclaims expired data of the embedded store's ports; only started for the embedded store. */
    private ScheduledExecutorService sweeper;

    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    /** When the store last answered, as the Redis client reports it (infrastructure.redis.RedisAnswers); budgets judge a stall by it. */
    @Produces
    @Singleton
    StorePulse storePulse() {
        return StorePulse.onSystemTicker();
    }

    @Produces
    @Singleton
    CachePolicy cachePolicy(CacheConfig cache) {
        return new CachePolicy(Ttl.ofSeconds(cache.defaultTtl()), Ttl.ofSeconds(cache.maxTtl()),
                cache.maxValueBytes(), cache.maxTagsPerEntry());
    }

    @Produces
    @Singleton
    @Startup
    CacheRepository cacheRepository(StoreConfig store, CacheConfig cache, Clock clock,
            Instance<ReactiveRedisDataSource> redis) {
        Duration retention = Duration.ofSeconds(cache.maxTtl()).plus(RETENTION_MARGIN);
        if (store.store() == StoreConfig.Kind.redis) {
            return new RedisCacheRepository(redis.get(), store.redisKeyPrefix(), clock, retention);
        }
        InMemoryCacheRepository memory = new InMemoryCacheRepository(clock, store.memoryMaxEntries(), retention);
        sweepEvery(store.memorySweepInterval(), memory::sweepExpired);
        return memory;
    }

    @Produces
    @Singleton
    @Startup
    ApiKeyRepository apiKeyRepository(StoreConfig store, Instance<ReactiveRedisDataSource> redis, ObjectMapper json) {
        if (store.store() == StoreConfig.Kind.redis) {
            return new RedisApiKeyRepository(redis.get(), store.redisKeyPrefix(), json);
        }
        return new InMemoryApiKeyRepository();
    }

    @Produces
    @Singleton
    @Startup
    SessionRepository sessionRepository(StoreConfig store, Clock clock, Instance<ReactiveRedisDataSource> redis) {
        if (store.store() == StoreConfig.Kind.redis) {
            return new RedisSessionRepository(redis.get(), store.redisKeyPrefix(), clock);
        }
        InMemorySessionRepository memory = new InMemorySessionRepository(clock);
        sweepEvery(store.memorySweepInterval(), memory::sweepExpired);
        return memory;
    }

    @Produces
    @Singleton
    SessionPolicy sessionPolicy(SessionConfig sessions) {
        return new SessionPolicy(sessions.idleTimeout(), sessions.absoluteTimeout(), sessions.maxIdleTimeout(),
                sessions.maxAbsoluteTimeout(), sessions.maxPerUser(), sessions.maxUserDataBytes(), sessions.maxProjects());
    }

    @Produces
    @Singleton
    @Startup
    RateLimitRepository rateLimitRepository(StoreConfig store, Clock clock, Instance<ReactiveRedisDataSource> redis) {
        if (store.store() == StoreConfig.Kind.redis) {
            return new RedisRateLimitRepository(redis.get(), store.redisKeyPrefix(), clock);
        }
        InMemoryRateLimitRepository memory = new InMemoryRateLimitRepository(clock);
        sweepEvery(store.memorySweepInterval(), memory::sweepExpired);
        return memory;
    }

    @Produces
    @Singleton
    @Startup
    RateLimitPolicies rateLimitPolicies(StoreConfig store, Clock clock, Instance<ReactiveRedisDataSource> redis, ObjectMapper json) {
        if (store.store() == StoreConfig.Kind.redis) {
            return new RedisRateLimitPolicies(redis.get(), store.redisKeyPrefix(), json, clock);
        }
        return new InMemoryRateLimitPolicies();
    }

    @Produces
    @Singleton
    ApiLeasing apiLeasing(RateLimitConfig config) {
        RateLimitConfig.Lease lease = config.api().lease();
        try {
            return new ApiLeasing(new LeasePlan(lease.maxBatch(), lease.lifetime(), lease.denialHold()), lease.maxPrincipals());
        } catch (InvalidValueException e) {
            throw new IllegalStateException("cache-domain.rate-limits.api.lease: " + e.rule(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("cache-domain.rate-limits.api.lease: " + e.getMessage(), e);
        }
    }

    @Produces
    @Singleton
    RateLimitSettings rateLimitSettings(RateLimitConfig config) {
        List<RateLimitPolicy> configured = new ArrayList<>();
        configured.add(new RateLimitPolicy(PolicyName.DEFAULT,
                List.of(Limit.of(config.defaultRequests(), Window.ofSeconds(config.defaultWindow()))), 0, FailMode.OPEN));
        if (config.api().enabled()) {
            RateLimitPolicy api = new RateLimitPolicy(PolicyName.API, List.of(Limit.of(config.api().perMinute(), Window.minute()),
                    Limit.of(config.api().perHour(), Window.hour())), 0, FailMode.OPEN);
            try {
                configured.add(ApiPolicy.check(api));
            } catch (InvalidValueException e) {
                throw new IllegalStateException("CACHE_DOMAIN_RATE_LIMITS_API_PER_MINUTE and _PER_HOUR: " + e.rule(), e);
            }
        }
        return new RateLimitSettings(configured, config.storeTimeout(), config.api().enabled());
    }

    @Produces
    @Singleton
    ProgressPolicy progressPolicy(ProgressConfig progress) {
        return new ProgressPolicy(progress.maxTotalSteps(), progress.maxMessageLength(), progress.maxRetainedEvents(),
                progress.ttl(), progress.stallAfter());
    }

    @Produces
    @Singleton
    @Startup
    ProgressRepository progressRepository(StoreConfig store, Clock clock, ProgressPolicy policy,
            Instance<ReactiveRedisDataSource> redis) {
        ProgressRepository.Retention retention = new ProgressRepository.Retention(policy.maxRetainedEvents(), policy.ttl());
        if (store.store() == StoreConfig.Kind.redis) {
            return new RedisProgressRepository(redis.get(), store.redisKeyPrefix(), clock, retention);
        }
        InMemoryProgressRepository memory = new InMemoryProgressRepository(clock, retention);
        sweepEvery(store.memorySweepInterval(), memory::sweepExpired);
        return memory;
    }

    @Produces
    @Singleton
    ProgressSettings progressSettings(ProgressConfig progress, ResilienceConfig resilience) {
        return new ProgressSettings(progress.heartbeat(), progress.reconnectDelay(), progress.maxStreamsPerPrincipal(),
                progress.ticketTtl(), resilience.streamTimeout());
    }

    @Produces
    @Singleton
    @Startup
    ProgressTickets progressTickets(StoreConfig store, Clock clock, Instance<ReactiveRedisDataSource> redis) {
        if (store.store() == StoreConfig.Kind.redis) {
            return new RedisProgressTickets(redis.get(), store.redisKeyPrefix());
        }
        InMemoryProgressTickets memory = new InMemoryProgressTickets(clock);
        sweepEvery(store.memorySweepInterval(), memory::sweepExpired);
        return memory;
    }

    /** The settings of a queue that has none saved, from {@code cache-domain.tasks.*}. */
    static QueueSettings queueDefaults(TaskConfig tasks) {
        try {
            return new QueueSettings(new RetryPolicy(tasks.backoffMin(), tasks.backoffMax(), tasks.defaultMaxAttempts()),
                    tasks.defaultLease(), tasks.maxQueued(), tasks.deadLetterRetention());
        } catch (InvalidValueException e) {
            throw new IllegalStateException("cache-domain.tasks: " + e.rule(), e);
        }
    }

    @Produces
    @Singleton
    TaskSettings taskSettings(TaskConfig tasks) {
        if (tasks.maxWait().isNegative() || tasks.maxWait().compareTo(Duration.ofSeconds(20)) > 0) {
            throw new IllegalStateException("cache-domain.tasks.max-wait must be between 0 and 20 s");
        }
        return new TaskSettings(tasks.payloadMaxBytes(), tasks.maxWait(), tasks.longPollsPerPrincipal(), queueDefaults(tasks),
                tasks.meteredQueues());
    }

    /**
     * The task queues. Every queue catches up (retention, expired leases, due tasks) whenever it is
     * used; Redis expires what a silent queue leaves, and the embedded store's sweeper catches the
     * silent queues up, so their finished tasks go too.
     */
    @Produces
    @Singleton
    @Startup
    TaskRepository taskRepository(StoreConfig store, TaskConfig tasks, Clock clock, Instance<ReactiveRedisDataSource> redis) {
        TaskRepository.Retention retention;
        try {
            retention = new TaskRepository.Retention(tasks.statusTtl(), tasks.idempotencyWindow());
        } catch (InvalidValueException e) {
            throw new IllegalStateException("cache-domain.tasks: " + e.rule(), e);
        }
        if (store.store() == StoreConfig.Kind.redis) {
            return new RedisTaskRepository(redis.get(), store.redisKeyPrefix(), clock, retention, queueDefaults(tasks));
        }
        InMemoryTaskRepository memory = new InMemoryTaskRepository(clock, retention, queueDefaults(tasks));
        sweepEvery(store.memorySweepInterval(), memory::sweepExpired);
        return memory;
    }

    /**
     * Revocation notices: on Redis one channel every instance subscribes to; in process otherwise.
     * Made at startup, so that an instance hears notices before it serves its first stream.
     */
    @Produces
    @Singleton
    @Startup
    Revocations revocations(StoreConfig store, Instance<ReactiveRedisDataSource> redis) {
        if (store.store() == StoreConfig.Kind.redis) {
            return new RedisRevocations(redis.get(), store.redisKeyPrefix());
        }
        return new InMemoryRevocations();
    }

    @Produces
    @Singleton
    StoreProbe storeProbe(StoreConfig store, HealthConfig health, Instance<ReactiveRedisDataSource> redis) {
        if (store.store() == StoreConfig.Kind.redis) {
            return new RedisStoreProbe(redis.get(), health.pingTimeout());
        }
        return new InMemoryStoreProbe();
    }

    /** Runs {@code sweep} periodically on the one sweeper thread; a failing round is logged and retried. */
    private synchronized void sweepEvery(Duration interval, Runnable sweep) {
        if (sweeper == null) {
            sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "embedded-store-sweeper");
                t.setDaemon(true);
                return t;
            });
        }
        sweeper.scheduleWithFixedDelay(() -> {
            try {
                sweep.run();
            } catch (RuntimeException e) {
                LOG.warn("sweeping the embedded store failed; retrying on the next round", e);
            }
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    synchronized void stop() {
        if (sweeper != null) {
            sweeper.shutdownNow();
        }
    }
}
