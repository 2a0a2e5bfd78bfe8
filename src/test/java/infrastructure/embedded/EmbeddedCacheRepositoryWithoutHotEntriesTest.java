package infrastructure.embedded;

import support.ValueCodecs;
import contract.CacheRepositoryContract;
import domain.cache.CacheRepository;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import support.EmbeddedDatabases;
import support.MutableClock;

/** The embedded cache against the contract with no entry held in process: every read goes to a reader thread. */
class EmbeddedCacheRepositoryWithoutHotEntriesTest extends CacheRepositoryContract {

    private final List<EmbeddedDatabase> opened = new ArrayList<>();

    @Override
    protected CacheRepository newRepository(MutableClock clock) {
        EmbeddedDatabase db = EmbeddedDatabases.fresh();
        opened.add(db);
        return new EmbeddedCacheRepository(db, clock, RETENTION, 0, ValueCodecs.standard());
    }

    @AfterEach
    void closeDatabases() {
        opened.forEach(EmbeddedDatabase::close);
    }
}
