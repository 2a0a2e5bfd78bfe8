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
import infrastructure.embedded.EmbeddedApiKeyRepository;
import infrastructure.embedded.EmbeddedProjectKeysets;
import infrastructure.values.ValueCodec;
import domain.encryption.ProjectKeysets;
import infrastructure.embedded.EmbeddedCacheRepository;
import infrastructure.embedded.EmbeddedSessionRepository;
import infrastructure.embedded.EmbeddedDatabase;
import infrastructure.embedded.EmbeddedProgressRepository;
import infrastructure.embedded.EmbeddedProgressTickets;
import infrastructure.embedded.EmbeddedRateLimitPolicies;
import infrastructure.embedded.EmbeddedRateLimitRepository;
import infrastructure.embedded.EmbeddedStoreBackups;
import infrastructure.embedded.EmbeddedStoreProbe;
import infrastructure.embedded.EmbeddedTaskRepository;
import infrastructure.memory.InMemoryRevocations;

/**
 * Every port in one SQLite database on local disk, for one instance that keeps its data across
 * restarts and crashes; revocation notices stay in this process, the only one using the store.
 */
final class EmbeddedAdapters implements StoreAdapters {

    private final EmbeddedDatabase db;
    private final StoreSettings settings;
    private final StoreConfig.Embedded embedded;

    EmbeddedAdapters(EmbeddedDatabase db, StoreSettings settings, StoreConfig.Embedded embedded) {
        this.db = db;
        this.settings = settings;
        this.embedded = embedded;
    }

    @Override
    public CacheRepository cache(ValueCodec values) {
        return new EmbeddedCacheRepository(db, settings.clock(), settings.cacheRetention(), embedded.hotEntries().asLongValue(),
                values);
    }

    @Override
    public ProjectKeysets keysets() {
        return new EmbeddedProjectKeysets(db);
    }

    @Override
    public ApiKeyRepository apiKeys() {
        return new EmbeddedApiKeyRepository(db);
    }

    @Override
    public SessionRepository sessions() {
        return new EmbeddedSessionRepository(db, settings.clock());
    }

    @Override
    public RateLimitRepository rateLimits() {
        return new EmbeddedRateLimitRepository(db, settings.clock());
    }

    @Override
    public RateLimitPolicies rateLimitPolicies() {
        return new EmbeddedRateLimitPolicies(db);
    }

    @Override
    public ProgressRepository progress() {
        return new EmbeddedProgressRepository(db, settings.clock(), settings.progress());
    }

    @Override
    public ProgressTickets progressTickets() {
        return new EmbeddedProgressTickets(db, settings.clock());
    }

    @Override
    public TaskRepository tasks() {
        return new EmbeddedTaskRepository(db, settings.clock(), settings.tasks(), settings.queueDefaults());
    }

    @Override
    public Revocations revocations() {
        return new InMemoryRevocations();
    }

    @Override
    public StoreBackups backups() {
        return new EmbeddedStoreBackups(db, settings.clock(), embedded.backupsKept());
    }

    @Override
    public StoreProbe probe() {
        return new EmbeddedStoreProbe(db, db.maxBytes());
    }

    @Override
    public void close() {
        db.close();
    }
}
