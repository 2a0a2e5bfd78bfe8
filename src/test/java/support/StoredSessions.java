package support;

import domain.session.SessionPolicy;
import domain.session.SessionRepository;
import domain.session.UserSession;
import java.time.Duration;
import java.util.Optional;

/** Sessions stored and opened through a repository, in the words of the value-chain contracts. */
public final class StoredSessions {

    private StoredSessions() {
    }

    /** Stores the session with its token's digest, with no limit on its user's sessions; answers it. */
    public static SessionPolicy.Opened created(SessionRepository sessions, SessionPolicy.Opened opened) {
        sessions.create(opened.session(), opened.token().verifierDigest(), 0).await().atMost(Duration.ofSeconds(30));
        return opened;
    }

    /** The user data its token opens, without recording activity; empty when it opens nothing. */
    public static Optional<String> userDataOf(SessionRepository sessions, SessionPolicy.Opened opened) {
        return sessions.open(opened.token(), false).await().atMost(Duration.ofSeconds(30)).map(UserSession::userData);
    }
}
