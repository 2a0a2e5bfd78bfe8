package infrastructure.memory;

import contract.KeyRotationContract;
import domain.cache.CacheKey;
import domain.cache.CacheRepository;
import domain.encryption.ProjectKeysets;
import domain.project.ProjectId;
import infrastructure.values.ValueCodec;
import java.time.Clock;
import java.time.Duration;

/** Key rotation on the in-process store. */
class KeyRotationInMemoryTest extends KeyRotationContract {

    private InMemoryProjectKeysets keysets;

    @Override
    protected void openStore() {
        keysets = new InMemoryProjectKeysets();
    }

    @Override
    protected ProjectKeysets keysets() {
        return keysets;
    }

    @Override
    protected CacheRepository cacheOn(ValueCodec values) {
        return new InMemoryCacheRepository(Clock.systemUTC(), 100_000, Duration.ofDays(31), values);
    }

    /** Nothing to resume: the memory store does not survive a restart, and neither do its rotations. */
    @Override
    protected void resumesARotationThatARestartInterrupted() {
    }

    /** The memory store's entries live in each instance: the value read is the one this instance holds. */
    @Override
    protected byte[] storedValue(CacheRepository cache, ProjectId project, String key) {
        return ((InMemoryCacheRepository) cache).storedValue(project, CacheKey.of(key));
    }
}
