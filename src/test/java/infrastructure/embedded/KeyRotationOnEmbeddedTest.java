package infrastructure.embedded;

import contract.KeyRotationContract;
import domain.cache.CacheRepository;
import domain.encryption.ProjectKeysets;
import domain.project.ProjectId;
import infrastructure.values.ValueCodec;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import support.EmbeddedDatabases;

/** Key rotation on the embedded store, with entries held in process as the service runs it. */
class KeyRotationOnEmbeddedTest extends KeyRotationContract {

    private EmbeddedDatabase db;

    @Override
    protected void openStore() {
        db = EmbeddedDatabases.fresh();
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Override
    protected ProjectKeysets keysets() {
        return new EmbeddedProjectKeysets(db);
    }

    @Override
    protected CacheRepository cacheOn(ValueCodec values) {
        return new EmbeddedCacheRepository(db, Clock.systemUTC(), Duration.ofDays(31), 1 << 20, values);
    }

    @Override
    protected byte[] storedValue(CacheRepository cache, ProjectId project, String key) {
        return db.read(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT value FROM cache_entries WHERE project = ? AND key = ?")) {
                select.setString(1, project.value());
                select.setString(2, key);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? rows.getBytes(1) : null;
                }
            }
        }).await().atMost(Duration.ofSeconds(10));
    }
}
