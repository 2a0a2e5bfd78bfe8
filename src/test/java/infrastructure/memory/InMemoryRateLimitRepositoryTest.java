package infrastructure.memory;

import static org.assertj.core.api.Assertions.assertThat;

import contract.RateLimitRepositoryContract;
import domain.ratelimit.Identifier;
import domain.ratelimit.IdentifierScope;
import domain.ratelimit.RateLimitKey;
import domain.ratelimit.RateLimitRepository;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import support.MutableClock;

/** The in-process rate limit store against the contract, plus what only it has: a sweeper. */
class InMemoryRateLimitRepositoryTest extends RateLimitRepositoryContract {

    @Override
    protected RateLimitRepository newRepository(MutableClock clock) {
        return new InMemoryRateLimitRepository(clock);
    }

    private InMemoryRateLimitRepository memory() {
        return (InMemoryRateLimitRepository) limits;
    }

    @Test
    void forgetsAKeyTwoOfItsLongestWindowsAfterItsLastUse() {
        consume(MINUTE_AND_HOUR, 1);
        consume(keyOf(TEN_A_MINUTE, BOB), TEN_A_MINUTE, 1);

        clock.advance(Duration.ofMinutes(2).minusMillis(1));
        memory().sweepExpired();
        assertThat(memory().size()).isEqualTo(2);

        clock.advance(Duration.ofMillis(1));
        memory().sweepExpired();
        assertThat(memory().size()).as("Bob's minute key is two minutes idle").isEqualTo(1);

        clock.advance(Duration.ofHours(2).minusMinutes(2));
        memory().sweepExpired();
        assertThat(memory().size()).isZero();
    }

    @Test
    void startsAfreshOnAKeyThatExpiredBeforeTheSweeperCame() {
        startOfAFixedWindowOf(60);
        assertThat(admittedOf(10, TEN_A_MINUTE)).isEqualTo(10);
        clock.advance(Duration.ofMinutes(2));

        assertThat(admittedOf(11, TEN_A_MINUTE)).isEqualTo(10);
    }

    @Test
    void keepsNothingAfterASweepForKeysThatWereOnlyPeekedAt() {
        IntStream.range(0, 1_000).forEach(i ->
                await(limits.peek(keyOf(TEN_A_MINUTE, Identifier.of(IdentifierScope.IP, "10.0.0." + i)), TEN_A_MINUTE)));

        memory().sweepExpired();

        assertThat(memory().size()).isZero();
    }

    /**
     * The first check of a new key races the sweeper: both lock the key's counters, and the sweeper
     * must not drop counters a check is about to count in, or the check is admitted and counted nowhere.
     */
    @Test
    void losesNoCountOfANewKeyToAConcurrentSweep() throws Exception {
        AtomicBoolean checking = new AtomicBoolean(true);
        Thread sweeper = new Thread(() -> {
            while (checking.get()) {
                memory().sweepExpired();
            }
        });
        sweeper.start();
        List<RateLimitKey> keys = IntStream.range(0, 200_000)
                .mapToObj(i -> keyOf(TEN_A_MINUTE, Identifier.of(IdentifierScope.USER, "u" + i)))
                .toList();
        // A pool of its own: common-pool threads may carry a class loader an earlier Quarkus test left behind.
        ExecutorService checkers = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> work = IntStream.range(0, 4).<Future<?>>mapToObj(part -> checkers.submit(() -> {
                for (int i = part; i < keys.size(); i += 4) {
                    assertThat(consume(keys.get(i), TEN_A_MINUTE, 1).admitted()).isTrue();
                }
            })).toList();
            for (Future<?> f : work) {
                f.get();
            }
        } finally {
            checkers.shutdownNow();
            checking.set(false);
            sweeper.join();
        }

        long lost = keys.stream().filter(k -> await(limits.peek(k, TEN_A_MINUTE)).get(0).current() != 1).count();
        assertThat(lost).as("admitted checks whose count was lost").isZero();
    }
}
