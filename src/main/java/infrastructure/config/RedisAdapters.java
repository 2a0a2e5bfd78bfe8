package infrastructure.config;

import domain.access.ApiKeyRepository;
import domain.access.Revocations;
import domain.cache.CacheRepository;
import domain.progress.ProgressRepository;
import domain.progress.ProgressTickets;
import domain.ratelimit.RateLimitPolicies;
import domain.ratelimit.RateLimitRepository;
import domain.session.SessionRepository;
import domain.store.StoreBackups;
import domain.store.StoreProbe;
import domain.task.TaskRepository;
import infrastructure.redis.RedisApiKeyRepository;
import infrastructure.redis.RedisCacheRepository;
import infrastructure.redis.RedisProgressRepository;
import infrastructure.redis.RedisProgressTickets;
import infrastructure.redis.RedisRateLimitPolicies;
import infrastructure.redis.RedisRateLimitRepository;
import infrastructure.redis.RedisRevocations;
import infrastructure.redis.RedisSessionRepository;
import infrastructure.redis.RedisStoreProbe;
import infrastructure.redis.RedisTaskRepository;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;

/** Every port on Redis, under one key prefix: any number of instances share it. */
final class RedisAdapters implements StoreAdapters {

    private final ReactiveRedisDataSource redis;
    private final String prefix;
    private final StoreSettings settings;

    RedisAdapters(ReactiveRedisDataSource redis, String prefix, StoreSettings settings) {
        this.redis = redis;
        this.prefix = prefix;
        this.settings = settings;
    }

    @Override
    public CacheRepository cache() {
        return new RedisCacheRepository(redis, prefix, settings.clock(), settings.cacheRetention());
    }

    @Override
    public ApiKeyRepository apiKeys() {
        return new RedisApiKeyRepository(redis, prefix, settings.json());
    }

    @Override
    public SessionRepository sessions() {
        return new RedisSessionRepository(redis, prefix, settings.clock());
    }

    @Override
    public RateLimitRepository rateLimits() {
        return new RedisRateLimitRepository(redis, prefix, settings.clock());
    }

    @Override
    public RateLimitPolicies rateLimitPolicies() {
        return new RedisRateLimitPolicies(redis, prefix, settings.json(), settings.clock());
    }

    @Override
    public ProgressRepository progress() {
        return new RedisProgressRepository(redis, prefix, settings.clock(), settings.progress());
    }

    @Override
    public ProgressTickets progressTickets() {
        return new RedisProgressTickets(redis, prefix);
    }

    @Override
    public TaskRepository tasks() {
        return new RedisTaskRepository(redis, prefix, settings.clock(), settings.tasks(), settings.queueDefaults());
    }

    @Override
    public Revocations revocations() {
        return new RedisRevocations(redis, prefix);
    }

    @Override
    public StoreBackups backups() {
        return StoreBackups.unsupported("Redis is backed up by its own persistence (RDB snapshots, BGSAVE, or the "
                + "append-only file), not by the service");
    }

    @Override
    public StoreProbe probe() {
        return new RedisStoreProbe(redis, settings.pingTimeout());
    }
}
