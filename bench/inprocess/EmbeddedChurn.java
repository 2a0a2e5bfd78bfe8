import domain.cache.CacheKey;
import domain.cache.CacheWrite;
import domain.cache.Precondition;
import domain.cache.Ttl;
import domain.project.ProjectId;
import infrastructure.embedded.EmbeddedCacheRepository;
import infrastructure.embedded.EmbeddedDatabase;
import infrastructure.memory.InMemoryProjectKeysets;
import infrastructure.values.ProjectKeyrings;
import infrastructure.values.ValueCodec;
import domain.encryption.ValueFormat;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Optional;
import io.smallrye.mutiny.Uni;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A study of the embedded store's file over a simulated week of cache churn: every simulated hour,
 * writes of 256-byte values to names drawn from a fixed set, with TTLs of 1 to 24 hours, then the
 * clock moves an hour on and the store's sweep runs, as its sweeper would. Reports per day the live
 * entries, the database's pages in use and free, and the files' sizes. A study, not a test: it
 * asserts nothing.
 */
public final class EmbeddedChurn {

    public static void main(String[] args) throws Exception {
        int writesPerHour = Integer.parseInt(System.getProperty("writes", "5000"));
        int names = Integer.parseInt(System.getProperty("names", "50000"));
        int days = Integer.parseInt(System.getProperty("days", "7"));
        Path directory = Files.createTempDirectory("embedded-churn");
        SimulatedClock clock = new SimulatedClock();
        EmbeddedDatabase db = EmbeddedDatabase.open(new EmbeddedDatabase.Settings(directory, EmbeddedDatabase.Durability.NORMAL,
                4L << 30, 2, 4096, Duration.ofDays(365)));
        // Values as the service stores them by default: compressed from 1 KiB (these are smaller), in clear.
        ValueCodec values = new ValueCodec(p -> ValueFormat.DEFAULT, new ProjectKeyrings(new InMemoryProjectKeysets(), Optional.empty(),
                Duration.ofSeconds(10), System::nanoTime, Clock.systemUTC(), application.RequestContexts.NONE), 1 << 24,
                new SimpleMeterRegistry());
        EmbeddedCacheRepository cache = new EmbeddedCacheRepository(db, clock, Duration.ofDays(31), 0, values);
        ProjectId project = ProjectId.of("churn");
        String value = "\"" + "x".repeat(254) + "\"";
        Random random = new Random(42);
        System.out.printf("Simulated week: %,d writes per hour over %,d names, values of 256 B, TTL 1 to 24 h, a sweep every hour.%n%n",
                writesPerHour, names);
        System.out.println("| day | writes so far | live entries | pages in use | free pages | cache-domain.db | WAL |");
        System.out.println("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        long writes = 0;
        for (int hour = 1; hour <= days * 24; hour++) {
            List<CompletableFuture<?>> batch = new ArrayList<>();
            for (int i = 0; i < writesPerHour; i++) {
                CacheWrite write = new CacheWrite(value, Ttl.ofSeconds(3600L * (1 + random.nextInt(24))), Set.of(), Precondition.always());
                batch.add(cache.put(project, CacheKey.of("k:" + random.nextInt(names)), write).subscribeAsCompletionStage());
                if (batch.size() == 512) {
                    CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new)).join();
                    batch.clear();
                }
            }
            CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new)).join();
            writes += writesPerHour;
            clock.advance(Duration.ofHours(1));
            db.sweepNow();
            if (hour % 24 == 0 || hour == 1) {
                long live = cache.stats(project).await().indefinitely().entries();
                long[] pages = pages(db);
                System.out.printf("| %s | %,d | %,d | %,d | %,d | %.1f MiB | %.1f MiB |%n", hour == 1 ? "1 h" : Integer.toString(hour / 24),
                        writes, live, pages[0] - pages[1], pages[1], mib(directory.resolve(EmbeddedDatabase.FILE)),
                        mib(directory.resolve(EmbeddedDatabase.FILE + "-wal")));
            }
        }
        db.close();
    }

    private static long[] pages(EmbeddedDatabase db) {
        return db.read(c -> {
            try (ResultSet r = c.createStatement().executeQuery(
                    "SELECT (SELECT page_count FROM pragma_page_count()), (SELECT freelist_count FROM pragma_freelist_count())")) {
                r.next();
                return new long[] {r.getLong(1), r.getLong(2)};
            }
        }).await().indefinitely();
    }

    private static double mib(Path file) throws Exception {
        return Files.exists(file) ? Files.size(file) / (double) (1 << 20) : 0;
    }

    /** Time that moves only when the study says so. */
    static final class SimulatedClock extends Clock {
        private volatile Instant now = Instant.parse("2026-12-01T00:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
