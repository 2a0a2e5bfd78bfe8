package infrastructure.memory;

import contract.ValueStore;
import domain.cache.CacheKey;
import domain.cache.CacheRepository;
import domain.encryption.ProjectKeysets;
import domain.project.ProjectId;
import domain.session.SessionId;
import domain.session.SessionRepository;
import infrastructure.values.SealedSessionRepository;
import infrastructure.values.ValueCodec;
import java.time.Clock;
import java.time.Duration;

/**
 * Process memory: each cache made is a store of its own (as each instance of the service has one), and what is
 * read back is what the latest one holds. Nothing of it is at rest: no bytes to scan or to change behind its back.
 */
final class InMemoryValueStore implements ValueStore {

    private final InMemoryProjectKeysets keysets = new InMemoryProjectKeysets();
    private InMemoryCacheRepository latest;

    @Override
    public ProjectKeysets keysets() {
        return keysets;
    }

    @Override
    public CacheRepository cacheOn(ValueCodec values) {
        latest = new InMemoryCacheRepository(Clock.systemUTC(), 100_000, Duration.ofDays(31), values);
        return latest;
    }

    @Override
    public byte[] storedValue(ProjectId project, String key) {
        return latest.storedValue(project, CacheKey.of(key));
    }

    @Override
    public void overwriteStoredValue(ProjectId project, String key, byte[] stored) {
        throw new UnsupportedOperationException("the memory store keeps nothing at rest to change");
    }

    @Override
    public SessionRepository sessionsOn(ValueCodec values) {
        return new SealedSessionRepository(new InMemorySessionRepository(Clock.systemUTC()), values);
    }

    @Override
    public String storedUserData(SessionId session) {
        throw new UnsupportedOperationException("the memory store keeps nothing at rest to read back");
    }

    @Override
    public void overwriteStoredUserData(SessionId session, String stored) {
        throw new UnsupportedOperationException("the memory store keeps nothing at rest to change");
    }

    @Override
    public boolean storeContains(byte[] needle) {
        throw new UnsupportedOperationException("the memory store keeps nothing at rest to scan");
    }
}
