package application;

import domain.access.ApiKey;
import domain.access.ApiKeyRepository;
import domain.access.Credential;
import domain.access.Principal;
import domain.access.Scope;
import domain.project.ProjectId;
import domain.session.SessionId;
import domain.session.SessionRepository;
import domain.session.UserSession;
import io.smallrye.mutiny.Uni;
import java.time.Clock;

/**
 * Asks the store whether a principal's credential still grants what it was granted: its key still
 * exists and has not expired, its session is still live with access to the project. Reads only; a session's check does
 * not count as its activity.
 */
final class CredentialCheck {

    private final ApiKeyRepository keys;
    private final SessionRepository sessions;
    private final Clock clock;

    CredentialCheck(ApiKeyRepository keys, SessionRepository sessions, Clock clock) {
        this.keys = keys;
        this.sessions = sessions;
        this.clock = clock;
    }

    /** True while the principal's credential still permits {@code scope} on {@code project}; fails when the store cannot answer. */
    Uni<Boolean> stillPermits(Principal principal, ProjectId project, Scope scope) {
        Credential credential = principal.credential();
        if (credential instanceof Credential.Key key) {
            return Retries.idempotent(() -> keys.findByName(key.name()))
                    .map(found -> found.filter(k -> !k.expiredAt(clock.instant())).map(ApiKey::principal)
                            .filter(p -> p.permits(project, scope)).isPresent());
        }
        if (credential instanceof Credential.Session session) {
            return Retries.idempotent(() -> sessions.find(SessionId.of(session.sessionId())))
                    .map(found -> found.flatMap(UserSession::browserPrincipal).filter(p -> p.permits(project, scope)).isPresent());
        }
        return Uni.createFrom().item(true);
    }

    /**
     * True while the principal's credential still permits {@code scope} on every project (a key's
     * access may only have narrowed since); never for a session. Fails when the store cannot answer.
     */
    Uni<Boolean> stillPermitsServiceWide(Principal principal, Scope scope) {
        Credential credential = principal.credential();
        if (credential instanceof Credential.Key key) {
            return Retries.idempotent(() -> keys.findByName(key.name()))
                    .map(found -> found.filter(k -> !k.expiredAt(clock.instant())).map(ApiKey::principal)
                            .filter(p -> p.hasScope(scope) && p.projects() instanceof domain.access.ProjectAccess.All).isPresent());
        }
        return Uni.createFrom().item(!(credential instanceof Credential.Session));
    }
}
