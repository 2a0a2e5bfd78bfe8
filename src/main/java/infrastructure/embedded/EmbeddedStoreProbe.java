package infrastructure.embedded;

import domain.store.EvictionPolicy;
import domain.store.StoreProbe;
import domain.store.StoreStatus;
import io.smallrye.mutiny.Uni;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The store probe of the embedded store: the latency of one query on a reader (it measures the
 * readers' queue too), SQLite's version, and the database's size against its maximum; it evicts
 * nothing, a full store refuses writes.
 */
public final class EmbeddedStoreProbe implements StoreProbe {

    private final EmbeddedDatabase db;
    private final long maxBytes;

    public EmbeddedStoreProbe(EmbeddedDatabase db, long maxBytes) {
        this.db = db;
        this.maxBytes = maxBytes;
    }

    @Override
    public Uni<StoreStatus> probe() {
        return Uni.createFrom().deferred(() -> {
            long start = System.nanoTime();
            return db.read(c -> {
                try (Statement s = c.createStatement();
                        ResultSet row = s.executeQuery("SELECT sqlite_version(), (SELECT page_count FROM pragma_page_count()) "
                                + "* (SELECT page_size FROM pragma_page_size())")) {
                    row.next();
                    return new StoreStatus("embedded", Optional.of(row.getString(1)), Duration.ofNanos(System.nanoTime() - start),
                            row.getLong(2), maxBytes, EvictionPolicy.NO_EVICTION, List.of(), 0);
                }
            });
        });
    }
}
