package application;

import domain.access.Credential;
import domain.access.Principal;
import domain.access.ProjectAccess;
import domain.access.Revocation;
import domain.access.Revocations;
import domain.access.Scope;
import domain.project.ProjectId;
import domain.session.SessionId;
import domain.session.SessionPolicy;
import domain.session.SessionRepository;
import domain.session.SessionToken;
import domain.session.UserId;
import domain.session.UserSession;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * The session use cases. With an API key of scope {@code sessions}: open, validate, read, change
 * access, rotate and revoke sessions. A key limited to some projects grants only those, and sees
 * and revokes only sessions whose access lies within them; any other session is, to it, absent.
 * With the session token itself: read the current session, or log out.
 *
 * <p>Sessions fail closed: when the store cannot answer, every operation fails (503); a session
 * is never accepted without being checked. Every operation is bounded by the guard
 * {@value Guards#SESSIONS} (the store budget and the sessions' circuit breaker), revoking all of a
 * user's sessions by {@value Guards#BULK}. Reads and validations are idempotent and tried once more
 * after a store failure; nothing that creates, changes or revokes is. Audit lines never carry a
 * token or its digest. Every revocation and every access withdrawn is announced to all instances
 * ({@link Revocations}), so that event streams the session holds open end there.
 *
 * <p>Validation is the hot path: its span, guard and timer are applied by a precomputed
 * {@link HotPath} rather than interceptors; the other operations are {@link Measured} per method.
 */
@Singleton
public class SessionService {

    private static final Logger AUDIT = Logger.getLogger("audit");

    private static final Logger LOG = Logger.getLogger(SessionService.class);

    private final SessionRepository sessions;
    private final SessionPolicy policy;
    private final Clock clock;
    private final Revocations revocations;

    private final HotPath validating;

    @Inject
    public SessionService(SessionRepository sessions, SessionPolicy policy, Clock clock, Revocations revocations,
            HotPaths paths, @Identifier(Guards.SESSIONS) StoreGuard guard) {
        this(sessions, policy, clock, revocations, paths.of("sessions.validate", guard));
    }

    /** Outside a container (tests, tools): no guard, no span; validations are timed in a registry of their own. */
    public SessionService(SessionRepository sessions, SessionPolicy policy, Clock clock, Revocations revocations) {
        this(sessions, policy, clock, revocations, new HotPath("sessions.validate", null, null, new SimpleMeterRegistry(), null));
    }

    private SessionService(SessionRepository sessions, SessionPolicy policy, Clock clock, Revocations revocations,
            HotPath validating) {
        this.validating = validating;
        this.sessions = sessions;
        this.policy = policy;
        this.clock = clock;
        this.revocations = revocations;
    }

    /**
     * Tells every instance, so that streams the session holds open end there. Best effort: the
     * change is made already, and a notice that does not go out is made up for by every stream's
     * heartbeat check.
     */
    private Uni<Void> announce(Revocation notice) {
        return revocations.publish(notice).onFailure().recoverWithUni(failure -> {
            LOG.warnf("a revocation notice could not be sent; open streams end on their next heartbeat instead: %s",
                    failure.toString());
            return Uni.createFrom().voidItem();
        });
    }

    private static Credential.Session credentialOf(SessionId id) {
        return new Credential.Session(id.value());
    }

    /** Opens a session for a user the backend authenticated; the token is in the result, once. */
    @Measured
    @WithSpan("sessions.create")
    @Guarded(Guards.SESSIONS)
    public Uni<SessionPolicy.Opened> create(Principal caller, UserId user, String userData, Set<ProjectId> projects,
            OptionalLong idleSeconds, OptionalLong absoluteSeconds) {
        return Uni.createFrom().deferred(() -> {
            Access.require(caller, Scope.SESSIONS);
            projects.stream().filter(p -> !caller.projects().includes(p)).findFirst().ifPresent(p -> {
                throw new AccessDeniedException("this key may not grant access to project " + p);
            });
            SessionPolicy.Opened opened = policy.open(user, userData, projects, idleSeconds, absoluteSeconds, clock.instant());
            return sessions.create(opened.session(), opened.token().verifierDigest(), policy.maxSessionsPerUser())
                    .call(evicted -> Multi.createFrom().iterable(evicted)
                            .onItem().transformToUniAndConcatenate(id -> announce(new Revocation.SessionRevoked(credentialOf(id))))
                            .collect().last())
                    .map(evicted -> {
                        evicted.forEach(id -> AUDIT.infof("session revoked-oldest session=%s user=%s actor=%s", id, user, caller.name()));
                        AUDIT.infof("session created session=%s user=%s actor=%s", opened.session().id(), user, caller.name());
                        return opened;
                    });
        });
    }

    /**
     * The session a presented token opens, counting as activity; empty (and audited as rejected)
     * when the token is malformed, unknown, expired, revoked, or opens a session the caller may not see.
     */
    public Uni<Optional<UserSession>> validate(Principal caller, String presentedToken) {
        return validating.call(null, () -> Uni.createFrom().deferred(() -> {
            Access.require(caller, Scope.SESSIONS);
            Optional<SessionToken> token = SessionToken.parse(presentedToken);
            Uni<Optional<UserSession>> opened = token.isEmpty()
                    ? Uni.createFrom().item(Optional.empty())
                    : Retries.idempotent(() -> sessions.open(token.get(), true));
            return opened.map(found -> {
                Optional<UserSession> visible = found.filter(s -> mayManage(caller, s));
                Outcomes.mark(visible.isPresent() ? "valid" : "rejected");
                if (visible.isEmpty()) {
                    AUDIT.infof("session rejected session=%s actor=%s",
                            token.map(t -> t.sessionId().value()).orElse("malformed"), caller.name());
                }
                return visible;
            });
        }), null);
    }

    /** The session, if live and within the caller's projects; does not count as activity. */
    @Measured
    @WithSpan("sessions.get")
    @Guarded(Guards.SESSIONS)
    public Uni<Optional<UserSession>> get(Principal caller, SessionId id) {
        return Uni.createFrom().deferred(() -> {
            Access.require(caller, Scope.SESSIONS);
            return Retries.idempotent(() -> sessions.find(id)).map(found -> found.filter(s -> mayManage(caller, s)));
        });
    }

    /** Grants ({@code granted}) or revokes one project on a session; takes effect at once. */
    @Measured
    @WithSpan("sessions.change-access")
    @Guarded(Guards.SESSIONS)
    public Uni<Optional<UserSession>> changeAccess(Principal caller, SessionId id, ProjectId project, boolean granted) {
        return Uni.createFrom().deferred(() -> {
            Access.require(caller, project, Scope.SESSIONS);
            return get(caller, id).chain(found -> found.isEmpty()
                    ? Uni.createFrom().item(Optional.<UserSession>empty())
                    : sessions.changeAccess(id, project, granted).invoke(changed -> changed.ifPresent(s ->
                            AUDIT.infof("session access-%s session=%s user=%s project=%s actor=%s",
                                    granted ? "granted" : "revoked", id, s.userId(), project, caller.name())))
                            .call(changed -> changed.isPresent() && !granted
                                    ? announce(new Revocation.SessionAccessChanged(credentialOf(id)))
                                    : Uni.createFrom().voidItem()));
        });
    }

    /** Issues a new token for the session; every older token of it stops working at once. */
    @Measured
    @WithSpan("sessions.rotate")
    @Guarded(Guards.SESSIONS)
    public Uni<Optional<SessionPolicy.Opened>> rotate(Principal caller, SessionId id) {
        return get(caller, id).chain(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().item(Optional.<SessionPolicy.Opened>empty());
            }
            SessionToken token = SessionToken.issue(id);
            return sessions.replaceVerifier(id, token.verifierDigest()).map(replaced -> {
                if (!replaced) {
                    return Optional.<SessionPolicy.Opened>empty();
                }
                AUDIT.infof("session rotated session=%s user=%s actor=%s", id, found.get().userId(), caller.name());
                return Optional.of(new SessionPolicy.Opened(found.get(), token));
            });
        });
    }

    /** Ends the session and deletes it; false when the caller sees no such session. */
    @Measured
    @WithSpan("sessions.revoke")
    @Guarded(Guards.SESSIONS)
    public Uni<Boolean> revoke(Principal caller, SessionId id) {
        return get(caller, id).chain(found -> found.isEmpty()
                ? Uni.createFrom().item(false)
                : sessions.revoke(id).invoke(revoked -> {
                    if (revoked) {
                        AUDIT.infof("session revoked session=%s user=%s actor=%s", id, found.get().userId(), caller.name());
                    }
                }).call(revoked -> revoked ? announce(new Revocation.SessionRevoked(credentialOf(id))) : Uni.createFrom().voidItem()));
    }

    /** The user's live sessions that the caller sees, oldest first. */
    @Measured
    @WithSpan("sessions.list")
    @Guarded(Guards.SESSIONS)
    public Uni<List<UserSession>> list(Principal caller, UserId user) {
        return Uni.createFrom().deferred(() -> {
            Access.require(caller, Scope.SESSIONS);
            return Retries.idempotent(() -> sessions.findByUser(user))
                    .map(all -> all.stream().filter(s -> mayManage(caller, s)).toList());
        });
    }

    /** Ends every session of the user that the caller sees; answers how many. */
    @Measured
    @WithSpan("sessions.revoke-all")
    @Guarded(Guards.BULK)
    public Uni<Long> revokeAll(Principal caller, UserId user) {
        return Uni.createFrom().deferred(() -> {
            Access.require(caller, Scope.SESSIONS);
            Uni<Long> revoked = caller.projects() instanceof ProjectAccess.All
                    ? sessions.revokeAll(user).call(n -> announce(new Revocation.UserSessionsRevoked(user.tag())))
                    : list(caller, user).chain(visible -> Multi.createFrom().iterable(visible)
                            .onItem().transformToUniAndConcatenate(s -> sessions.revoke(s.id())
                                    .call(one -> one ? announce(new Revocation.SessionRevoked(credentialOf(s.id())))
                                            : Uni.createFrom().voidItem()))
                            .filter(Boolean::booleanValue).collect().with(Collectors.counting()));
            return revoked.invoke(n -> AUDIT.infof("session revoked-all user=%s count=%d actor=%s", user, n, caller.name()));
        });
    }

    /** The session of the presented token, counting as activity; empty for any token that opens none. */
    @Measured
    @WithSpan("sessions.current")
    @Guarded(Guards.SESSIONS)
    public Uni<Optional<UserSession>> current(String presentedToken) {
        return SessionToken.parse(presentedToken)
                .map(token -> Retries.idempotent(() -> sessions.open(token, true)))
                .orElse(Uni.createFrom().item(Optional.empty()))
                .invoke(found -> Outcomes.mark(found.isPresent() ? "valid" : "rejected"));
    }

    /** Ends the session of the presented token (logout); false when it opens none. */
    @Measured
    @WithSpan("sessions.logout")
    @Guarded(Guards.SESSIONS)
    public Uni<Boolean> logout(String presentedToken) {
        Optional<SessionToken> token = SessionToken.parse(presentedToken);
        if (token.isEmpty()) {
            return Uni.createFrom().item(false);
        }
        return Retries.idempotent(() -> sessions.open(token.get(), false)).chain(found -> found.isEmpty()
                ? Uni.createFrom().item(false)
                : sessions.revoke(found.get().id()).invoke(revoked -> {
                    if (revoked) {
                        AUDIT.infof("session logged-out session=%s user=%s actor=session", found.get().id(), found.get().userId());
                    }
                }).call(revoked -> revoked ? announce(new Revocation.SessionRevoked(credentialOf(found.get().id())))
                        : Uni.createFrom().voidItem()));
    }

    private static boolean mayManage(Principal caller, UserSession session) {
        return caller.projects().includesAll(session.projectAccess());
    }
}
