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
import infrastructure.memory.InMemoryApiKeyRepository;
import infrastructure.memory.InMemoryCacheRepository;
import infrastructure.memory.InMemoryProjectKeysets;
import infrastructure.values.ValueCodec;
import domain.encryption.ProjectKeysets;
import infrastructure.memory.InMemoryProgressRepository;
import infrastructure.memory.InMemoryProgressTickets;
import infrastructure.memory.InMemoryRateLimitPolicies;
import infrastructure.memory.InMemoryRateLimitRepository;
import infrastructure.memory.InMemoryRevocations;
import infrastructure.memory.InMemorySessionRepository;
import infrastructure.memory.InMemoryStoreProbe;
import infrastructure.memory.InMemoryTaskRepository;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Every port in this process's memory, for one instance; what expires is reclaimed by one sweeper
 * thread, every {@code cache-domain.store.memory.sweep-interval}.
 */
final class MemoryAdapters implements StoreAdapters {

    private static final Logger LOG = Logger.getLogger(MemoryAdapters.class);

    private final StoreSettings settings;
    private final int maxEntries;
    private final Duration sweepInterval;
    /** Started with the first adapter that has something to sweep. */
    private ScheduledExecutorService sweeper;

    MemoryAdapters(StoreSettings settings, int maxEntries, Duration sweepInterval) {
        this.settings = settings;
        this.maxEntries = maxEntries;
        this.sweepInterval = sweepInterval;
    }

    @Override
    public CacheRepository cache(ValueCodec values) {
        InMemoryCacheRepository memory = new InMemoryCacheRepository(settings.clock(), maxEntries, settings.cacheRetention(), values);
        sweepEvery(memory::sweepExpired);
        return memory;
    }

    @Override
    public ProjectKeysets keysets() {
        return new InMemoryProjectKeysets();
    }

    @Override
    public ApiKeyRepository apiKeys() {
        return new InMemoryApiKeyRepository();
    }

    @Override
    public SessionRepository sessions() {
        InMemorySessionRepository memory = new InMemorySessionRepository(settings.clock());
        sweepEvery(memory::sweepExpired);
        return memory;
    }

    @Override
    public RateLimitRepository rateLimits() {
        InMemoryRateLimitRepository memory = new InMemoryRateLimitRepository(settings.clock());
        sweepEvery(memory::sweepExpired);
        return memory;
    }

    @Override
    public RateLimitPolicies rateLimitPolicies() {
        return new InMemoryRateLimitPolicies();
    }

    @Override
    public ProgressRepository progress() {
        InMemoryProgressRepository memory = new InMemoryProgressRepository(settings.clock(), settings.progress());
        sweepEvery(memory::sweepExpired);
        return memory;
    }

    @Override
    public ProgressTickets progressTickets() {
        InMemoryProgressTickets memory = new InMemoryProgressTickets(settings.clock());
        sweepEvery(memory::sweepExpired);
        return memory;
    }

    /** The task queues; the sweeper catches up the queues nobody uses any more, so their finished tasks go too. */
    @Override
    public TaskRepository tasks() {
        InMemoryTaskRepository memory = new InMemoryTaskRepository(settings.clock(), settings.tasks(), settings.queueDefaults());
        sweepEvery(memory::sweepExpired);
        return memory;
    }

    @Override
    public Revocations revocations() {
        return new InMemoryRevocations();
    }

    @Override
    public StoreBackups backups() {
        return StoreBackups.unsupported("the memory store keeps nothing on disk to back up: use the embedded store "
                + "(CACHE_DOMAIN_STORE=embedded) to keep data");
    }

    @Override
    public StoreProbe probe() {
        return new InMemoryStoreProbe();
    }

    /** Runs {@code sweep} periodically on the one sweeper thread; a failing round is logged and retried. */
    private synchronized void sweepEvery(Runnable sweep) {
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
        }, sweepInterval.toMillis(), sweepInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void close() {
        if (sweeper != null) {
            sweeper.shutdownNow();
        }
    }
}
