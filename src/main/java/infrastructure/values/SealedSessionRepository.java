package infrastructure.values;

import domain.project.ProjectId;
import domain.session.SessionId;
import domain.session.SessionRepository;
import domain.session.SessionToken;
import domain.session.UserId;
import domain.session.UserSession;
import io.smallrye.mutiny.Uni;
import java.util.List;
import java.util.Optional;

/**
 * The session port with each session's user data through the value chain, in front of any store's
 * adapter: the adapter keeps the text {@link ValueCodec#encodeText} makes of it (compressed and
 * encrypted under the sessions' keyset, bound to the session's id), and never sees it in clear when
 * the service encrypts.
 *
 * <p>A session whose user data cannot be read (it was changed in the store, copied from another
 * session, or its key is gone) is not served: it reads as absent, so its token no longer opens it
 * (sessions fail closed). It is still revoked with the rest of its user's.
 */
public final class SealedSessionRepository implements SessionRepository {

    private final SessionRepository store;
    private final ValueCodec values;

    public SealedSessionRepository(SessionRepository store, ValueCodec values) {
        this.store = store;
        this.values = values;
    }

    @Override
    public Uni<List<SessionId>> create(UserSession session, String verifierDigest, int maxPerUser) {
        return values.encodeText(ValueContext.sessionData(session.id()), session.userData())
                .chain(sealed -> store.create(session.withUserData(sealed), verifierDigest, maxPerUser));
    }

    @Override
    public Uni<Optional<UserSession>> open(SessionToken token, boolean touch) {
        return store.open(token, touch).chain(this::unsealed);
    }

    @Override
    public Uni<Optional<UserSession>> find(SessionId id) {
        return store.find(id).chain(this::unsealed);
    }

    @Override
    public Uni<Optional<UserSession>> changeAccess(SessionId id, ProjectId project, boolean granted) {
        return store.changeAccess(id, project, granted).chain(this::unsealed);
    }

    @Override
    public Uni<Boolean> replaceVerifier(SessionId id, String verifierDigest) {
        return store.replaceVerifier(id, verifierDigest);
    }

    @Override
    public Uni<Boolean> revoke(SessionId id) {
        return store.revoke(id);
    }

    /** The user's live sessions whose user data can be read. */
    @Override
    public Uni<List<UserSession>> findByUser(UserId user) {
        return store.findByUser(user).chain(stored -> stored.isEmpty()
                ? Uni.createFrom().item(List.<UserSession>of())
                : Uni.join().all(stored.stream().map(this::unsealed).toList()).andFailFast()
                        .map(all -> all.stream().flatMap(Optional::stream).toList()));
    }

    /** Every session of the user, readable or not. */
    @Override
    public Uni<Long> revokeAll(UserId user) {
        return store.revokeAll(user);
    }

    private Uni<Optional<UserSession>> unsealed(Optional<UserSession> stored) {
        return stored.isEmpty() ? Uni.createFrom().item(stored) : unsealed(stored.get());
    }

    private Uni<Optional<UserSession>> unsealed(UserSession stored) {
        return values.decodeText(ValueContext.sessionData(stored.id()), stored.userData())
                .map(data -> data.map(stored::withUserData));
    }
}
