package contract;

import static org.assertj.core.api.Assertions.assertThat;

import domain.progress.RecordOutcome;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The progress contract, plus expiry to the millisecond, for the stores that expire by the test's
 * clock (memory, embedded); Redis expires keys in real time, so it runs the contract without these.
 */
public abstract class ClockedProgressRepositoryContract extends ProgressRepositoryContract {

    @Override
    protected void letTimePass(Duration duration) {
        clock.advance(duration);
    }

    @Test
    void movesTheExpiryWithEveryUpdate() {
        Duration ttl = RETENTION.ttl();
        started(SHOP, IMPORT, 10);
        clock.advance(ttl.minusSeconds(1));
        recorded(SHOP, IMPORT, steps(1));
        clock.advance(ttl.minusSeconds(1));

        assertThat(find(SHOP, IMPORT)).isPresent();
        clock.advance(Duration.ofSeconds(1));
        assertThat(find(SHOP, IMPORT)).isEmpty();
    }

    @Test
    void keepsAnOperationUntilTheLastMillisecondOfItsTtl() {
        started(SHOP, IMPORT, 10);
        clock.advance(RETENTION.ttl().minusMillis(1));

        assertThat(find(SHOP, IMPORT)).isPresent();
        assertThat(record(SHOP, IMPORT, steps(1))).isInstanceOf(RecordOutcome.Recorded.class);
    }
}
