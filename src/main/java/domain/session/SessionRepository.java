package domain.session;

import domain.project.ProjectId;
import io.smallrye.mutiny.Uni;
import java.util.List;
import java.util.Optional;

/**
 * The port to the store of sessions, which holds each session with the digest of its token's
 * verifier, never the token.
 *
 * <p>A session is live from its creation until it is revoked, its idle expiry passes or its
 * absolute expiry passes, whichever comes first; no operation ever returns a session that is not
 * live. Adapters fail with {@link domain.StoreUnavailableException} when their store cannot answer.
 */
public interface SessionRepository {

    /**
     * Stores a new session. When its user already holds {@code maxPerUser} live sessions (0: no
     * limit), the oldest are revoked first; answers their ids.
     */
    Uni<List<SessionId>> create(UserSession session, String verifierDigest, int maxPerUser);

    /**
     * The live session the token opens: the session its id names, if the digest of its verifier
     * matches. With {@code touch}, records activity at the same time, atomically.
     */
    Uni<Optional<UserSession>> open(SessionToken token, boolean touch);

    /** The live session of that id. */
    Uni<Optional<UserSession>> find(SessionId id);

    /** Grants or revokes one project on a live session; answers the session as changed. */
    Uni<Optional<UserSession>> changeAccess(SessionId id, ProjectId project, boolean granted);

    /** Replaces the verifier digest of a live session: every older token of it stops working at once. */
    Uni<Boolean> replaceVerifier(SessionId id, String verifierDigest);

    /** Ends a live session and deletes it; false when there was none. */
    Uni<Boolean> revoke(SessionId id);

    /** The live sessions of a user, oldest first. */
    Uni<List<UserSession>> findByUser(UserId user);

    /** Ends and deletes every session the user holds when the call begins; answers how many were live. */
    Uni<Long> revokeAll(UserId user);

    /**
     * Every live session, a page at a time, for a copy of the store: from the start with the empty
     * cursor, then from each page's {@link SessionPage#next()} until a page has none. A page holds
     * about {@code limit} sessions (a page may hold none while more follow). Each session is read
     * whole; one live throughout the walk is in some page, and may be in two (Redis's SCAN may
     * repeat a key); one created or ended during it may or may not be. The cursor is the adapter's
     * own: pass it back unchanged.
     */
    Uni<SessionPage> page(String cursor, int limit);

    /**
     * Stores a session copied from elsewhere as it was there (its creation, last activity, expiries,
     * project access and verifier digest), so that its tokens open it here. False, and nothing
     * changed, when a session of its id is live already or when it is no longer live itself. No
     * per-user maximum applies: a copy never revokes.
     */
    Uni<Boolean> restore(StoredSession stored);
}
