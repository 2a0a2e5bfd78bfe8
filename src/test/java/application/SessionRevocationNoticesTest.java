package application;

import static org.assertj.core.api.Assertions.assertThat;

import domain.access.BootstrapKey;
import domain.access.Credential;
import domain.access.Principal;
import domain.access.ProjectAccess;
import domain.access.Revocation;
import domain.access.Revocations;
import domain.access.Scope;
import domain.project.ProjectId;
import domain.session.SessionPolicy;
import domain.session.UserId;
import infrastructure.memory.InMemorySessionRepository;
import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Every way a session ends or loses a project is announced to all instances; granting a project is not. */
class SessionRevocationNoticesTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final ProjectId SHOP = ProjectId.of("shop");
    private static final ProjectId BLOG = ProjectId.of("blog");
    private static final Principal EVERYWHERE = new Principal(BootstrapKey.NAME, ProjectAccess.all(), Set.of(Scope.SESSIONS));
    private static final Principal SHOP_ONLY = new Principal("shop-backend", ProjectAccess.only(Set.of(SHOP, BLOG)),
            Set.of(Scope.SESSIONS));

    private final List<Revocation> sent = new CopyOnWriteArrayList<>();
    private final Revocations recorded = new Revocations() {
        @Override
        public Uni<Void> publish(Revocation notice) {
            sent.add(notice);
            return Uni.createFrom().voidItem();
        }

        @Override
        public void listen(Listener listener) {
        }

        @Override
        public boolean live() {
            return true;
        }
    };

    private SessionService service(int maxPerUser) {
        Clock clock = Clock.systemUTC();
        return new SessionService(new InMemorySessionRepository(clock), new SessionPolicy(Duration.ofHours(1), Duration.ofHours(2),
                Duration.ofHours(1), Duration.ofHours(2), maxPerUser, 1024, 16), clock, recorded);
    }

    private static SessionPolicy.Opened open(SessionService service, String user) {
        return service.create(EVERYWHERE, UserId.of(user), "{}", Set.of(SHOP, BLOG), OptionalLong.empty(), OptionalLong.empty())
                .await().atMost(WAIT);
    }

    private static Credential.Session credentialOf(SessionPolicy.Opened opened) {
        return new Credential.Session(opened.session().id().value());
    }

    @Test
    void announcesASessionRevokedLoggedOutOrEvictedAsItsUsersOldest() {
        SessionService sessions = service(2);
        SessionPolicy.Opened revoked = open(sessions, "ada");
        SessionPolicy.Opened loggedOut = open(sessions, "bob");
        SessionPolicy.Opened oldest = open(sessions, "cy");
        open(sessions, "cy");

        sessions.revoke(EVERYWHERE, revoked.session().id()).await().atMost(WAIT);
        sessions.logout(loggedOut.token().reveal()).await().atMost(WAIT);
        open(sessions, "cy");

        assertThat(sent).containsExactly(new Revocation.SessionRevoked(credentialOf(revoked)),
                new Revocation.SessionRevoked(credentialOf(loggedOut)), new Revocation.SessionRevoked(credentialOf(oldest)));
    }

    @Test
    void announcesAProjectWithdrawnButNotAProjectGranted() {
        SessionService sessions = service(0);
        SessionPolicy.Opened opened = open(sessions, "ada");

        sessions.changeAccess(EVERYWHERE, opened.session().id(), ProjectId.of("news"), true).await().atMost(WAIT);
        sessions.changeAccess(EVERYWHERE, opened.session().id(), SHOP, false).await().atMost(WAIT);

        assertThat(sent).containsExactly(new Revocation.SessionAccessChanged(credentialOf(opened)));
    }

    @Test
    void announcesAllOfAUsersSessionsByTheUsersTagOrEachOneForAKeyLimitedToSomeProjects() {
        SessionService sessions = service(0);
        open(sessions, "ada");
        SessionPolicy.Opened bobs = open(sessions, "bob");

        sessions.revokeAll(EVERYWHERE, UserId.of("ada")).await().atMost(WAIT);
        sessions.revokeAll(SHOP_ONLY, UserId.of("bob")).await().atMost(WAIT);

        assertThat(sent).containsExactly(new Revocation.UserSessionsRevoked(UserId.of("ada").tag()),
                new Revocation.SessionRevoked(credentialOf(bobs)));
    }
}
