package infrastructure.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import contract.ClockedProgressRepositoryContract;
import domain.progress.EventsPage;
import domain.progress.Progress;
import domain.progress.ProgressChange;
import domain.progress.ProgressEvent;
import domain.progress.ProgressId;
import domain.progress.ProgressRepository;
import domain.progress.RecordOutcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import support.EmbeddedDatabases;
import support.MutableClock;

/** The embedded progress store against the contract, plus what a disk adds: operations kept across a reopening, and swept. */
class EmbeddedProgressRepositoryTest extends ClockedProgressRepositoryContract {

    private static final Duration TTL = RETENTION.ttl();

    /** Every database a test opened: the contract makes a second repository in some tests. */
    private final List<EmbeddedDatabase> opened = new ArrayList<>();
    private EmbeddedDatabase db;

    @Override
    protected ProgressRepository newRepository(MutableClock clock, ProgressRepository.Retention retention) {
        db = EmbeddedDatabases.fresh();
        opened.add(db);
        return new EmbeddedProgressRepository(db, clock, retention);
    }

    @AfterEach
    void closeDatabases() {
        opened.forEach(EmbeddedDatabase::close);
    }

    private long rows(String table) {
        return EmbeddedDatabases.rows(db, table);
    }

    @Test
    void keepsOperationsAndTheirHistoryAcrossAReopening() {
        started(SHOP, IMPORT, 10);
        recordSteps(SHOP, IMPORT, 3);
        recorded(SHOP, IMPORT, new ProgressChange.Fail("disk full"));
        Progress before = current(SHOP, IMPORT);
        List<ProgressEvent> history = eventsAfter(SHOP, IMPORT, 0).events();
        Path directory = db.directory();
        db.close();

        db = EmbeddedDatabases.open(directory, EmbeddedDatabases.DEFAULT_MAX_BYTES);
        opened.add(db);
        progress = new EmbeddedProgressRepository(db, clock, RETENTION);

        assertThat(current(SHOP, IMPORT)).isEqualTo(before);
        assertThat(eventsAfter(SHOP, IMPORT, 0).events()).hasSize(5).isEqualTo(history);
        assertThat(record(SHOP, IMPORT, steps(1))).isEqualTo(new RecordOutcome.AlreadyEnded(before));
    }

    @Test
    void sweepsExpiredOperationsWithTheirEventsAndKeepsTheLiveOnes() {
        for (int i = 0; i < 120; i++) {
            started(SHOP, ProgressId.of("old-" + i), 10);
            recordSteps(SHOP, ProgressId.of("old-" + i), 2);
        }
        clock.advance(TTL.minusSeconds(10));
        started(BLOG, IMPORT, 10);
        recordSteps(BLOG, IMPORT, 4);
        clock.advance(Duration.ofSeconds(10));

        db.sweepNow();

        assertThat(rows("progress")).isEqualTo(1);
        assertThat(rows("progress_events")).isEqualTo(5);
        assertThat(current(BLOG, IMPORT).lastSequence()).isEqualTo(5);
    }

    @Test
    void keepsNoMoreEventRowsThanRetainedPlusOneTrimStepAndServesOnlyTheRetained() {
        progress = newRepository(clock, new ProgressRepository.Retention(5, TTL));
        started(SHOP, IMPORT, 1_000);

        recordSteps(SHOP, IMPORT, 200);

        // Rows are trimmed every 64th event: between the retained 5 and 5 + 63 stay in the table.
        assertThat(rows("progress_events")).isBetween(5L, 5L + 63);
        EventsPage page = await(progress.eventsAfter(SHOP, IMPORT, 0));
        assertThat(page.events()).extracting(ProgressEvent::sequence).containsExactly(197L, 198L, 199L, 200L, 201L);
        assertThat(page.gap()).isTrue();
    }
}
