package infrastructure.config;

import io.smallrye.common.annotation.Identifier;
import application.ApiLeasing;
import application.ProgressSettings;
import application.RateLimitSettings;
import application.RequestContexts;
import application.StoreBudget;
import application.TaskSettings;
import com.fasterxml.jackson.databind.ObjectMapper;
import domain.InvalidValueException;
import domain.access.ApiKeyRepository;
import domain.access.Revocations;
import domain.cache.CachePolicy;
import domain.cache.CacheRepository;
import domain.cache.Ttl;
import domain.progress.ProgressPolicy;
import domain.progress.ProgressRepository;
import domain.progress.ProgressTickets;
import domain.ratelimit.ApiPolicy;
import domain.ratelimit.FailMode;
import domain.ratelimit.LeasePlan;
import domain.ratelimit.Limit;
import domain.ratelimit.PolicyName;
import domain.ratelimit.RateLimitPolicies;
import domain.ratelimit.RateLimitPolicy;
import domain.ratelimit.RateLimitRepository;
import domain.ratelimit.Window;
import domain.session.SessionPolicy;
import domain.session.SessionRepository;
import domain.store.StoreBackups;
import domain.store.StoreProbe;
import domain.store.StorePulse;
import domain.task.QueueSettings;
import domain.task.RetryPolicy;
import domain.task.TaskRepository;
import infrastructure.embedded.EmbeddedDatabase;
import infrastructure.redis.RedisTrackedNodes;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.mutiny.core.Vertx;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import domain.encryption.KeyEncryptionKey;
import domain.encryption.ValueFormats;
import infrastructure.values.LocalKeyEncryptionKey;
import infrastructure.values.ProjectKeyrings;
import infrastructure.values.SealedSessionRepository;
import infrastructure.values.ValueCodec;

/**
 * Chooses the store's adapters from {@code cache-domain.store} once, at startup ({@link StoreAdapters}),
 * and produces every port from them, so that a misconfigured store stops the service before it takes
 * traffic. The Redis client is looked up only when Redis is the store, so the embedded store never
 * opens a connection.
 */
@ApplicationScoped
public class Stores {

    /** A project's sequence and statistics outlive its longest-lived entry by this much. */
    private static final Duration RETENTION_MARGIN = Duration.ofDays(1);

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

    /** What the store budgets ask before a verdict of stall: the configured store's heartbeat. */
    @Produces
    @Singleton
    StoreBudget.Heartbeat storeHeartbeat(StoreAdapters adapters, StorePulse pulse) {
        return adapters.heartbeat(pulse);
    }

    /** The adapters of the configured store; each port below is asked of them once. */
    @Produces
    @Singleton
    StoreAdapters storeAdapters(StoreConfig store, CacheConfig cache, ProgressPolicy progress, TaskConfig tasks,
            HealthConfig health, Clock clock, ObjectMapper json, @Identifier(RedisDataSources.STORE) Instance<ReactiveRedisDataSource> redis, StorePulse pulse,
            MeterRegistry meters, RedisClientOptions redisOptions, Instance<Vertx> vertx) {
        StoreSettings settings = new StoreSettings(clock, json, Duration.ofSeconds(cache.maxTtl()).plus(RETENTION_MARGIN),
                new ProgressRepository.Retention(progress.maxRetainedEvents(), progress.ttl()), taskRetention(tasks),
                queueDefaults(tasks), health.pingTimeout());
        return switch (store.store()) {
            case redis -> {
                ReactiveRedisDataSource dataSource = redis.get();
                // The data source is made by now, and with it the options its client was made with.
                yield new RedisAdapters(dataSource, store.redisKeyPrefix(), settings, store.nearCache(), meters,
                        () -> RedisTrackedNodes.of(dataSource, redisOptions.defaultClient(), vertx.get()),
                        () -> infrastructure.redis.RedisConnectionFacts.of(redisOptions.defaultClient()));
            }
            case memory -> new MemoryAdapters(settings, store.memoryMaxEntries(), store.memorySweepInterval());
            case embedded -> new EmbeddedAdapters(EmbeddedDatabase.open(embeddedSettings(store.embedded()), pulse::answered), settings,
                    store.embedded());
        };
    }

    static EmbeddedDatabase.Settings embeddedSettings(StoreConfig.Embedded embedded) {
        return new EmbeddedDatabase.Settings(embedded.path(), embedded.durability(), embedded.maxSize().asLongValue(),
                embedded.readers(), embedded.queueSize(), embedded.sweepInterval());
    }

    void closeStoreAdapters(@Disposes StoreAdapters adapters) {
        adapters.close();
    }

    @Produces
    @Singleton
    @Startup
    CacheRepository cacheRepository(StoreAdapters store, ValueCodec values) {
        return store.cache(values);
    }

    /**
     * Every project's keyset in process; also the projects' keys as use cases manage them
     * ({@link domain.encryption.ProjectKeys}). A configuration asking to encrypt without a key-encryption
     * key, or with one that is malformed, stops the service before it takes traffic.
     */
    @Produces
    @Singleton
    ProjectKeyrings projectKeyrings(StoreAdapters store, ValuesConfig values, Clock clock, RequestContexts contexts) {
        Optional<KeyEncryptionKey> kek = keyEncryptionKey(values.encryption());
        if (kek.isEmpty() && ConfiguredValueFormats.of(values, Optional.empty()).encryptsAny()) {
            throw new IllegalStateException("cache-domain.values.encryption asks to encrypt values, and no key-encryption key "
                    + "is configured: set CACHE_DOMAIN_VALUES_ENCRYPTION_KEY (openssl rand -base64 32) or "
                    + "cache-domain.values.encryption.key-file");
        }
        return new ProjectKeyrings(store.keysets(), kek, values.encryption().keysetRefresh(), System::nanoTime, clock,
                contexts);
    }

    /** How each project's values are stored, from {@code cache-domain.values.*}. */
    @Produces
    @Singleton
    ValueFormats valueFormats(ValuesConfig values) {
        return ConfiguredValueFormats.of(values, keyEncryptionKey(values.encryption()).map(KeyEncryptionKey::id));
    }

    /** The chain every stored value crosses. */
    @Produces
    @Singleton
    ValueCodec valueCodec(ProjectKeyrings keyrings, ValueFormats formats, CacheConfig cache, SessionConfig sessions,
            MeterRegistry meters) {
        // The largest text any value may have: a cache value's, or a session's user data.
        long largest = Math.max(cache.maxValueBytes(), sessions.maxUserDataBytes());
        return new ValueCodec(formats::of, keyrings, (int) Math.min(Integer.MAX_VALUE - 8, largest), meters);
    }

    private static Optional<KeyEncryptionKey> keyEncryptionKey(ValuesConfig.Encryption encryption) {
        if (encryption.key().isPresent() && encryption.keyFile().isPresent()) {
            throw new IllegalStateException("set either cache-domain.values.encryption.key or its key-file, not both");
        }
        try {
            return encryption.key().<KeyEncryptionKey>map(LocalKeyEncryptionKey::fromBase64)
                    .or(() -> encryption.keyFile().map(LocalKeyEncryptionKey::fromFile));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("cache-domain.values.encryption: " + e.getMessage());
        }
    }

    @Produces
    @Singleton
    @Startup
    ApiKeyRepository apiKeyRepository(StoreAdapters store) {
        return store.apiKeys();
    }

    @Produces
    @Singleton
    @Startup
    SessionRepository sessionRepository(StoreAdapters store, ValueCodec values) {
        return new SealedSessionRepository(store.sessions(), values);
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
    RateLimitRepository rateLimitRepository(StoreAdapters store) {
        return store.rateLimits();
    }

    @Produces
    @Singleton
    @Startup
    RateLimitPolicies rateLimitPolicies(StoreAdapters store) {
        return store.rateLimitPolicies();
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
    ProgressRepository progressRepository(StoreAdapters store) {
        return store.progress();
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
    ProgressTickets progressTickets(StoreAdapters store) {
        return store.progressTickets();
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
    TaskRepository taskRepository(StoreAdapters store) {
        return store.tasks();
    }

    private static TaskRepository.Retention taskRetention(TaskConfig tasks) {
        try {
            return new TaskRepository.Retention(tasks.statusTtl(), tasks.idempotencyWindow());
        } catch (InvalidValueException e) {
            throw new IllegalStateException("cache-domain.tasks: " + e.rule(), e);
        }
    }

    /**
     * Revocation notices: on Redis one channel every instance subscribes to; in process otherwise.
     * Made at startup, so that an instance hears notices before it serves its first stream.
     */
    @Produces
    @Singleton
    @Startup
    Revocations revocations(StoreAdapters store) {
        return store.revocations();
    }

    @Produces
    @Singleton
    StoreProbe storeProbe(StoreAdapters store) {
        return store.probe();
    }

    @Produces
    @Singleton
    StoreBackups storeBackups(StoreAdapters store) {
        return store.backups();
    }
}
