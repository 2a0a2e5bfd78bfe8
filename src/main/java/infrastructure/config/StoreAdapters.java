package infrastructure.config;

import application.StoreBudget;
import domain.store.StorePulse;
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
import domain.encryption.ProjectKeysets;
import infrastructure.values.ValueCodec;

/**
 * The adapters of every port for one kind of store ({@code cache-domain.store}): {@link Stores}
 * chooses one implementation at startup and asks it for each port once, so that a new store is a
 * new implementation of this interface, not a branch in every producer.
 */
sealed interface StoreAdapters permits RedisAdapters, MemoryAdapters, EmbeddedAdapters {

    /** @param values the form values are stored in */
    CacheRepository cache(ValueCodec values);

    /** The projects' wrapped data keysets. */
    ProjectKeysets keysets();

    ApiKeyRepository apiKeys();

    SessionRepository sessions();

    RateLimitRepository rateLimits();

    RateLimitPolicies rateLimitPolicies();

    ProgressRepository progress();

    ProgressTickets progressTickets();

    TaskRepository tasks();

    /** Revocation notices, heard by every instance sharing the store. */
    Revocations revocations();

    StoreProbe probe();

    /** Online copies of the whole store, where it has files to copy. */
    StoreBackups backups();

    /** What the store budgets ask before a verdict of stall; none where the pulse alone tells (no store connection to wait for). */
    default StoreBudget.Heartbeat heartbeat(StorePulse pulse) {
        return StoreBudget.Heartbeat.NONE;
    }

    /** Stops what the adapters run in the background; called once, when the service stops. */
    default void close() {
    }
}
