package contract;

import static org.assertj.core.api.Assertions.assertThat;

import domain.access.ApiKeyName;
import domain.access.Credential;
import domain.access.Revocation;
import domain.access.Revocations;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The semantics every revocation notice adapter must have: each notice reaches every listener of the instance, once. */
public abstract class RevocationsContract {

    protected static final Duration WAIT = Duration.ofSeconds(10);
    protected static final Credential.Session SESSION = new Credential.Session("0123456789abcdefABCDEFGHIJKLMNOPQRSTUV");

    protected Revocations revocations;

    protected abstract Revocations newRevocations();

    @BeforeEach
    void createRevocations() {
        revocations = newRevocations();
    }

    /** A listener that keeps what it hears. */
    public static final class Heard implements Revocations.Listener {

        public final List<Revocation> notices = new CopyOnWriteArrayList<>();
        public final List<String> missed = new CopyOnWriteArrayList<>();
        public final List<String> lost = new CopyOnWriteArrayList<>();

        @Override
        public void revoked(Revocation notice) {
            notices.add(notice);
        }

        @Override
        public void mayHaveMissed() {
            missed.add("missed");
        }

        @Override
        public void lost() {
            lost.add("lost");
        }
    }

    protected static Heard listening(Revocations revocations) {
        Heard heard = new Heard();
        revocations.listen(heard);
        return heard;
    }

    protected static void publish(Revocations revocations, Revocation notice) {
        revocations.publish(notice).await().atMost(WAIT);
    }

    @Test
    void handsEveryKindOfNoticeToEveryListenerOfTheInstanceOnceInOrder() {
        Heard first = listening(revocations);
        Heard second = listening(revocations);
        List<Revocation> sent = List.of(
                new Revocation.KeyRevoked(ApiKeyName.of("shop-backend")),
                new Revocation.SessionRevoked(SESSION),
                new Revocation.SessionAccessChanged(SESSION),
                new Revocation.UserSessionsRevoked(SESSION.userTag()));

        sent.forEach(notice -> publish(revocations, notice));

        for (Heard heard : List.of(first, second)) {
            Awaitility.await().atMost(WAIT).until(() -> heard.notices.size() >= sent.size());
            assertThat(heard.notices).containsExactlyElementsOf(sent);
        }
        // Nothing more arrives late: each notice once.
        Awaitility.await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> first.notices.size() == sent.size());
    }

    @Test
    void handsANoticeOnlyToListenersRegisteredBeforeIt() {
        publish(revocations, new Revocation.KeyRevoked(ApiKeyName.of("earlier")));
        Heard late = listening(revocations);
        publish(revocations, new Revocation.KeyRevoked(ApiKeyName.of("later")));

        Awaitility.await().atMost(WAIT).until(() -> !late.notices.isEmpty());
        assertThat(late.notices).containsExactly(new Revocation.KeyRevoked(ApiKeyName.of("later")));
    }

    @Test
    void isLiveOnceListenedToAndEveryNoticeFromThenOnReachesTheListener() {
        Heard heard = listening(revocations);

        Awaitility.await().atMost(WAIT).until(revocations::live);
        Revocation notice = new Revocation.KeyRevoked(ApiKeyName.of("while-live"));
        publish(revocations, notice);

        Awaitility.await().atMost(WAIT).until(() -> !heard.notices.isEmpty());
        assertThat(heard.notices).containsExactly(notice);
        assertThat(heard.lost).isEmpty();
    }
}
