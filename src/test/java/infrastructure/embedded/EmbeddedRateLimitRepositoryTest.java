package infrastructure.embedded;

import static domain.ratelimit.PolicyFixture.named;
import static domain.ratelimit.PolicyFixture.perMinute;
import static org.assertj.core.api.Assertions.assertThat;

import contract.RateLimitRepositoryContract;
import domain.ratelimit.RateLimitRepository;
import domain.ratelimit.WindowState;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import support.EmbeddedDatabases;
import support.MutableClock;

/** The embedded rate limit store against the contract, plus what a disk adds: counts kept across a reopening, and swept. */
class EmbeddedRateLimitRepositoryTest extends RateLimitRepositoryContract {

    private EmbeddedDatabase db;

    @Override
    protected RateLimitRepository newRepository(MutableClock clock) {
        db = EmbeddedDatabases.fresh();
        return new EmbeddedRateLimitRepository(db, clock);
    }

    @AfterEach
    void closeDatabase() {
        db.close();
    }

    private long rows() {
        return EmbeddedDatabases.rows(db, "rate_limit_windows");
    }

    @Test
    void keepsTheCountsAcrossAReopening() {
        startOfAFixedWindowOf(3_600);
        advanceSeconds(5);
        assertThat(admittedOf(7, MINUTE_AND_HOUR)).isEqualTo(7);
        Path directory = db.directory();
        db.close();

        db = EmbeddedDatabases.open(directory, EmbeddedDatabases.DEFAULT_MAX_BYTES);
        limits = new EmbeddedRateLimitRepository(db, clock);

        assertThat(peek(MINUTE_AND_HOUR)).containsExactly(new WindowState(7, 0, 5_000), new WindowState(7, 0, 5_000));
        assertThat(admittedOf(4, MINUTE_AND_HOUR)).isEqualTo(3);
    }

    @Test
    void sweepsAKeysRowsTwoOfItsLongestWindowsAfterItsLastCount() {
        consume(MINUTE_AND_HOUR, 1);
        consume(keyOf(TEN_A_MINUTE, BOB), TEN_A_MINUTE, 1);
        assertThat(rows()).isEqualTo(3);

        clock.advance(Duration.ofMinutes(2).minusMillis(1));
        db.sweepNow();
        assertThat(rows()).isEqualTo(3);

        clock.advance(Duration.ofMillis(1));
        db.sweepNow();
        assertThat(rows()).as("Bob's minute key is two minutes idle").isEqualTo(2);

        clock.advance(Duration.ofHours(2).minusMinutes(2));
        db.sweepNow();
        assertThat(rows()).isZero();
    }

    @Test
    void writesNoRowForAPeekAndDeletesTheRowsOnReset() {
        consume(MINUTE_AND_HOUR, 1);
        await(limits.reset(keyOf(MINUTE_AND_HOUR, ADA)));

        peek(TEN_A_MINUTE);

        assertThat(rows()).isZero();
    }

    @Test
    void startsAfreshOnAKeyThatExpiredBeforeTheSweepCameWithNoWindowComingBack() {
        startOfAFixedWindowOf(3_600);
        assertThat(admittedOf(10, MINUTE_AND_HOUR)).isEqualTo(10);
        clock.advance(Duration.ofHours(2));

        assertThat(admittedOf(1, named("search", perMinute(10)))).isEqualTo(1);

        assertThat(peek(MINUTE_AND_HOUR)).extracting(WindowState::current).containsExactly(1L, 0L);
    }
}
