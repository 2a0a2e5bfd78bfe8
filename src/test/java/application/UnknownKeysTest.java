package application;

import static org.assertj.core.api.Assertions.assertThat;

import domain.access.ApiKeyName;
import domain.access.Revocation;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import support.MutableClock;

/** The secrets the store refused, remembered in process: for how long, how many, and what a lost channel does to them. */
class UnknownKeysTest {

    private static final Duration MAX_AGE = Duration.ofSeconds(5);

    private final MutableClock clock = new MutableClock();
    private final AtomicBoolean live = new AtomicBoolean(true);
    private final UnknownKeys unknown = new UnknownKeys(clock, MAX_AGE, 3, live::get);

    private void refuse(String digest) {
        unknown.unknown(unknown.begin(), digest);
    }

    @Test
    void holdsADigestTheStoreRefusedAndNoOther() {
        refuse("d1");

        assertThat(unknown.holds("d1")).isTrue();
        assertThat(unknown.holds("d2")).isFalse();
    }

    @Test
    void holdsNoLongerThanTheMaximumAgeAfterTheStoreRefused() {
        refuse("d1");

        clock.advance(MAX_AGE.minusMillis(1));
        assertThat(unknown.holds("d1")).isTrue();
        clock.advance(Duration.ofMillis(1));
        assertThat(unknown.holds("d1")).isFalse();
    }

    @Test
    void holdsNoMoreThanItsCapacity() {
        for (int i = 0; i < 10; i++) {
            refuse("d" + i);
        }

        assertThat(unknown.size()).isEqualTo(3);
        assertThat(unknown.holds("d9")).as("the latest refusal is held").isTrue();
    }

    @Test
    void keepsWhatItHoldsWhenAKeyIsRevoked() {
        refuse("d1");

        unknown.revoked(new Revocation.KeyRevoked(ApiKeyName.of("shop")));

        assertThat(unknown.holds("d1")).as("a revocation never makes a refused secret valid").isTrue();
    }

    @Test
    void dropsEverythingWhenTheChannelIsLostAndHoldsNothingUntilItIsBack() {
        refuse("d1");

        live.set(false);
        unknown.lost();
        refuse("d2");

        assertThat(unknown.holds("d1")).isFalse();
        assertThat(unknown.holds("d2")).as("a refusal heard while the channel is down is not kept").isFalse();
        live.set(true);
        assertThat(unknown.holds("d2")).isFalse();
    }

    @Test
    void dropsEverythingWhenTheChannelIsMadeAgain() {
        refuse("d1");

        unknown.mayHaveMissed();

        assertThat(unknown.holds("d1")).isFalse();
    }

    @Test
    void keepsNoRefusalFromALookupThatBeganBeforeTheChannelWasRemade() {
        UnknownKeys.Lookup lookup = unknown.begin();

        unknown.mayHaveMissed();
        unknown.unknown(lookup, "d1");

        assertThat(unknown.holds("d1")).isFalse();
    }

    @Test
    void answersNothingWhileTheChannelIsNotLive() {
        refuse("d1");

        live.set(false);

        assertThat(unknown.holds("d1")).isFalse();
    }

    @Test
    void remembersNothingWithAMaximumAgeOfZero() {
        UnknownKeys none = new UnknownKeys(clock, Duration.ZERO, 3, live::get);

        none.unknown(none.begin(), "d1");

        assertThat(none.holds("d1")).isFalse();
        assertThat(none.size()).isZero();
    }
}
