package infrastructure.values;

import domain.project.ProjectId;
import domain.session.SessionId;
import domain.session.SessionPage;
import domain.session.StoredSession;
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
 * <p>A session whose encrypted user data cannot be read (it was changed in the store, copied from
 * another session, or its key is gone) is counted and logged by the chain, and then:
 * <ul>
 *   <li>its token opens nothing ({@link #open} answers empty: sessions fail closed);
 *   <li>the calls that manage sessions ({@link #find}, {@link #findByUser}, {@link #changeAccess})
 *       still see it, its user data withheld ({@value #WITHHELD}), so that it can be revoked like any
 *       other.
 * </ul>
 */
public final class SealedSessionRepository implements SessionRepository {

    /** What a session whose user data cannot be read shows in its place: JSON null. */
    static final String WITHHELD = "null";

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
        return store.open(token, touch).chain(found -> found.isEmpty() ? Uni.createFrom().item(found) : unsealed(found.get()));
    }

    @Override
    public Uni<Optional<UserSession>> find(SessionId id) {
        return store.find(id).chain(this::withheldIfUnreadable);
    }

    @Override
    public Uni<Optional<UserSession>> changeAccess(SessionId id, ProjectId project, boolean granted) {
        return store.changeAccess(id, project, granted).chain(this::withheldIfUnreadable);
    }

    @Override
    public Uni<Boolean> replaceVerifier(SessionId id, String verifierDigest) {
        return store.replaceVerifier(id, verifierDigest);
    }

    @Override
    public Uni<Boolean> revoke(SessionId id) {
        return store.revoke(id);
    }

    @Override
    public Uni<List<UserSession>> findByUser(UserId user) {
        return store.findByUser(user).chain(stored -> stored.isEmpty()
                ? Uni.createFrom().item(List.<UserSession>of())
                : Uni.join().all(stored.stream().map(this::withheldIfUnreadable).toList()).andFailFast());
    }

    @Override
    public Uni<Long> revokeAll(UserId user) {
        return store.revokeAll(user);
    }

    /** The page with each session's user data read; a session whose user data cannot be read is left out and counted. */
    @Override
    public Uni<SessionPage> page(String cursor, int limit) {
        return store.page(cursor, limit).chain(page -> page.sessions().isEmpty()
                ? Uni.createFrom().item(page)
                : Uni.join().all(page.sessions().stream()
                                .map(stored -> unsealed(stored.session())
                                        .map(read -> read.map(session -> new StoredSession(session, stored.verifierDigest()))))
                                .toList())
                        .andFailFast()
                        .map(read -> new SessionPage(read.stream().flatMap(Optional::stream).toList(),
                                page.unreadable() + read.stream().filter(Optional::isEmpty).count(), page.next())));
    }

    @Override
    public Uni<Boolean> restore(StoredSession stored) {
        UserSession session = stored.session();
        return values.encodeText(ValueContext.sessionData(session.id()), session.userData())
                .chain(sealed -> store.restore(new StoredSession(session.withUserData(sealed), stored.verifierDigest())));
    }

    private Uni<Optional<UserSession>> withheldIfUnreadable(Optional<UserSession> stored) {
        return stored.isEmpty() ? Uni.createFrom().item(stored) : withheldIfUnreadable(stored.get()).map(Optional::of);
    }

    private Uni<UserSession> withheldIfUnreadable(UserSession stored) {
        return unsealed(stored).map(read -> read.orElseGet(() -> stored.withUserData(WITHHELD)));
    }

    /** The session with its user data read; empty when it cannot be. */
    private Uni<Optional<UserSession>> unsealed(UserSession stored) {
        return values.decodeText(ValueContext.sessionData(stored.id()), stored.userData())
                .map(data -> data.map(stored::withUserData));
    }
}
