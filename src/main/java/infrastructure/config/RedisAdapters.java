package infrastructure.config;

import application.StoreBudget;
import domain.store.StorePulse;
import infrastructure.redis.RedisHeartbeat;
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
import infrastructure.redis.RedisProjectKeysets;
import infrastructure.values.ValueCodec;
import domain.encryption.ProjectKeysets;
import infrastructure.redis.RedisCacheRepository;
import infrastructure.redis.RedisProgressRepository;
import infrastructure.redis.RedisProgressTickets;
import infrastructure.redis.RedisRateLimitPolicies;
import infrastructure.redis.RedisRateLimitRepository;
import infrastructure.redis.RedisRevocations;
import infrastructure.redis.RedisSessionRepository;
import infrastructure.redis.RedisStoreProbe;
import infrastructure.redis.RedisTaskRepository;
import domain.project.ProjectId;
import infrastructure.hot.HotEntries;
import infrastructure.redis.RedisEntryTracking;
import infrastructure.redis.RedisNearCache;
import infrastructure.redis.RedisTrackedNodes;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import java.time.Duration;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Every port on Redis, under one key prefix: any number of instances share it. The cache gets a
 * near cache in front when it is enabled ({@code cache-domain.redis.near-cache.enabled}).
 */
final class RedisAdapters implements StoreAdapters {

    private static final Logger LOG = Logger.getLogger(RedisAdapters.class);
    private static final Duration LAST_CLOSE_WAIT = Duration.ofSeconds(2);

    private final ReactiveRedisDataSource redis;
    private final String prefix;
    private final StoreSettings settings;
    private final StoreConfig.NearCache nearCache;
    private RedisHeartbeat heartbeat;
    private final MeterRegistry meters;
    private final Supplier<RedisTrackedNodes> trackedNodes;
    private RedisTrackedNodes nodes;
    private volatile RedisEntryTracking tracking;

    private final Supplier<infrastructure.redis.RedisConnectionFacts> connection;

    /**
     * @param trackedNodes the nodes whose changes the near cache hears: every master on a cluster
     * @param connection   what the client's options say about its connections' security
     */
    RedisAdapters(ReactiveRedisDataSource redis, String prefix, StoreSettings settings, StoreConfig.NearCache nearCache,
            MeterRegistry meters, Supplier<RedisTrackedNodes> trackedNodes, Supplier<infrastructure.redis.RedisConnectionFacts> connection) {
        this.connection = connection;
        this.redis = redis;
        this.prefix = prefix;
        this.settings = settings;
        this.nearCache = nearCache;
        this.meters = meters;
        this.trackedNodes = trackedNodes;
    }

    @Override
    public CacheRepository cache(ValueCodec values) {
        RedisCacheRepository cache = new RedisCacheRepository(redis, prefix, settings.clock(), settings.cacheRetention(), values,
                nodes());
        if (!nearCache.enabled()) {
            return cache;
        }
        HotEntries copies = new HotEntries(nearCache.maxBytes().asLongValue(), nearCache.maxEntries(), nearCache.maxLifetime(),
                settings.clock());
        RedisNearCache near = new RedisNearCache(cache, copies, nearCacheProjects(nearCache), meters);
        tracking = new RedisEntryTracking(nodes(), prefix, nearCache.pingInterval(), nearCache.pingTimeout(), near);
        tracking.start();
        return near;
    }

    /**
     * The nodes holding keys, made once and shared by the near cache's tracking and the listing of
     * projects; the data source's one node when the client's options cannot tell them (as in tests that
     * make the data source themselves).
     */
    private synchronized RedisTrackedNodes nodes() {
        if (nodes == null) {
            try {
                nodes = trackedNodes.get();
            } catch (IllegalStateException e) {
                if (nearCache.enabled()) {
                    throw e;
                }
                nodes = RedisTrackedNodes.single(redis);
            }
        }
        return nodes;
    }

    /** The per-project setting: the projects named (all when none are), less the excluded ones. */
    static Predicate<ProjectId> nearCacheProjects(StoreConfig.NearCache nearCache) {
        Set<String> only = nearCache.projects().orElse(Set.of());
        Set<String> never = nearCache.excludedProjects().orElse(Set.of());
        return project -> (only.isEmpty() || only.contains(project.value())) && !never.contains(project.value());
    }

    /** One heartbeat, made on first request, with its own connection. */
    @Override
    public synchronized StoreBudget.Heartbeat heartbeat(StorePulse pulse) {
        if (heartbeat == null) {
            heartbeat = new RedisHeartbeat(redis, pulse);
        }
        return heartbeat;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (heartbeat != null) {
                heartbeat.close();
            }
        }
        RedisEntryTracking running = tracking;
        if (running == null) {
            synchronized (this) {
                if (nodes != null) {
                    nodes.close();
                }
            }
            return;
        }
        try {
            running.close().await().atMost(LAST_CLOSE_WAIT);
        } catch (RuntimeException e) {
            LOG.debugf("the near cache's tracking connection did not close cleanly: %s", e.toString());
        }
    }

    @Override
    public ProjectKeysets keysets() {
        return new RedisProjectKeysets(redis, prefix);
    }

    @Override
    public ApiKeyRepository apiKeys() {
        return new RedisApiKeyRepository(redis, prefix, settings.json());
    }

    @Override
    public SessionRepository sessions() {
        return new RedisSessionRepository(redis, prefix, settings.clock(), nodes());
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
        return new RedisProgressRepository(redis, prefix, settings.clock(), settings.progress(), nodes());
    }

    @Override
    public ProgressTickets progressTickets() {
        return new RedisProgressTickets(redis, prefix);
    }

    @Override
    public TaskRepository tasks() {
        return new RedisTaskRepository(redis, prefix, settings.clock(), settings.tasks(), settings.queueDefaults(),
                () -> java.util.concurrent.ThreadLocalRandom.current().nextDouble(), nodes());
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
        return new RedisStoreProbe(redis, settings.pingTimeout(), connection, nodes());
    }
}
