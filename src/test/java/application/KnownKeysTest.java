package application;

import static org.assertj.core.api.Assertions.assertThat;

import domain.access.ApiKeyName;
import domain.access.Credential;
import domain.access.Principal;
import domain.access.ProjectAccess;
import domain.access.Revocation;
import domain.access.Scope;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import support.MutableClock;

/** The in-process API key records: what they answer, for how long, and what a revocation or a lost channel does to them. */
class KnownKeysTest {

    private static final Duration MAX_AGE = Duration.ofSeconds(60);

    private final MutableClock clock = new MutableClock();
    private final AtomicBoolean live = new AtomicBoolean(true);
    private final KnownKeys known = new KnownKeys(clock, MAX_AGE, 3, live::get);

    private static Principal key(String name) {
        return new Principal(name, ProjectAccess.all(), Set.of(Scope.parse("cache:read")), new Credential.Key(ApiKeyName.of(name)));
    }

    private void confirm(String digest, String name) {
        known.confirmed(known.begin(), digest, key(name));
    }

    @Test
    void answersWithAKeyTheStoreConfirmed() {
        confirm("d1", "shop");

        assertThat(known.find("d1")).contains(key("shop"));
        assertThat(known.find("d2")).isEmpty();
    }

    @Test
    void answersNoLongerThanTheMaximumAgeAfterTheStoreConfirmedTheKey() {
        confirm("d1", "shop");

        clock.advance(MAX_AGE.minusMillis(1));
        assertThat(known.find("d1")).isPresent();
        clock.advance(Duration.ofMillis(1));
        assertThat(known.find("d1")).isEmpty();
    }

    @Test
    void dropsEveryEntryOfARevokedKeyAtOnceAndNoOther() {
        confirm("d1", "shop");
        confirm("d2", "billing");

        known.revoked(new Revocation.KeyRevoked(ApiKeyName.of("shop")));

        assertThat(known.find("d1")).isEmpty();
        assertThat(known.find("d2")).isPresent();
    }

    @Test
    void doesNotPutBackAKeyRevokedWhileItsLookupWasUnderWay() {
        KnownKeys.Lookup lookup = known.begin();
        known.revoked(new Revocation.KeyRevoked(ApiKeyName.of("shop")));

        known.confirmed(lookup, "d1", key("shop"));

        assertThat(known.find("d1")).isEmpty();
        assertThat(known.size()).isZero();
    }

    @Test
    void ignoresNoticesOfSessions() {
        confirm("d1", "shop");
        KnownKeys.Lookup lookup = known.begin();

        known.revoked(new Revocation.UserSessionsRevoked("0123456789abcdef"));
        known.confirmed(lookup, "d2", key("billing"));

        assertThat(known.find("d1")).isPresent();
        assertThat(known.find("d2")).isPresent();
    }

    @Test
    void answersNothingWhileTheChannelIsNotLiveAndStartsEmptyWhenItIsMadeAgain() {
        confirm("d1", "shop");
        KnownKeys.Lookup before = known.begin();

        live.set(false);
        known.lost();
        assertThat(known.find("d1")).isEmpty();
        confirm("d2", "billing"); // confirmed while nothing can be heard: not held
        assertThat(known.size()).isZero();

        live.set(true);
        known.mayHaveMissed();
        known.confirmed(before, "d3", key("other")); // began before the loss: not held
        assertThat(known.find("d1")).isEmpty();
        assertThat(known.find("d2")).isEmpty();
        assertThat(known.find("d3")).isEmpty();
        confirm("d1", "shop");
        assertThat(known.find("d1")).isPresent();
    }

    @Test
    void answersNothingTheMomentTheChannelIsNotLiveEvenBeforeItHearsOfTheLoss() {
        confirm("d1", "shop");

        live.set(false);

        assertThat(known.find("d1")).isEmpty();
    }

    @Test
    void holdsNoMoreThanItsCapacity() {
        for (int i = 0; i < 10; i++) {
            confirm("d" + i, "k" + i);
        }

        assertThat(known.size()).isEqualTo(3);
        assertThat(known.find("d9")).isPresent();
    }

    @Test
    void holdsNothingWithAMaximumAgeOfZero() {
        KnownKeys off = new KnownKeys(clock, Duration.ZERO, 3, live::get);

        off.confirmed(off.begin(), "d1", key("shop"));

        assertThat(off.find("d1")).isEmpty();
        assertThat(off.size()).isZero();
    }
}
