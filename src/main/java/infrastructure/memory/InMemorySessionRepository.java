package infrastructure.memory;

import domain.project.ProjectId;
import domain.session.SessionId;
import domain.session.SessionPage;
import domain.session.SessionRepository;
import domain.session.SessionToken;
import domain.session.StoredSession;
import domain.session.UserId;
import domain.session.UserSession;
import domain.Secrets;
import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Function;

/**
 * The session port in process memory. Sessions are grouped by their user's tag, each group
 * guarded by its own lock and kept in creation order, which is also the eviction order.
 */
public final class InMemorySessionRepository implements SessionRepository {

    private final Clock clock;
    /** By user tag, in tag order: a walk over every session goes group by group, its cursor the last tag read. */
    private final ConcurrentSkipListMap<String, Group> groups = new ConcurrentSkipListMap<>();

    public InMemorySessionRepository(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Uni<List<SessionId>> create(UserSession session, String verifierDigest, int maxPerUser) {
        return inGroup(session.id().userTag(), group -> {
            group.prune(now());
            List<SessionId> revoked = new ArrayList<>();
            Iterator<Stored> oldestFirst = group.sessions.values().iterator();
            while (maxPerUser > 0 && group.sessions.size() - revoked.size() >= maxPerUser && oldestFirst.hasNext()) {
                revoked.add(oldestFirst.next().session.id());
            }
            revoked.forEach(group.sessions::remove);
            group.sessions.put(session.id(), new Stored(session, verifierDigest));
            return revoked;
        });
    }

    @Override
    public Uni<Optional<UserSession>> open(SessionToken token, boolean touch) {
        String presented = token.verifierDigest();
        return inGroup(token.sessionId().userTag(), group -> {
            Stored stored = group.live(token.sessionId(), now());
            if (stored == null || !Secrets.sameDigest(stored.digest, presented)) {
                return Optional.empty();
            }
            if (touch) {
                stored = new Stored(stored.session.touchedAt(now()), stored.digest);
                group.sessions.put(stored.session.id(), stored);
            }
            return Optional.of(stored.session);
        });
    }

    @Override
    public Uni<Optional<UserSession>> find(SessionId id) {
        return inGroup(id.userTag(), group -> Optional.ofNullable(group.live(id, now())).map(s -> s.session));
    }

    @Override
    public Uni<Optional<UserSession>> changeAccess(SessionId id, ProjectId project, boolean granted) {
        return inGroup(id.userTag(), group -> {
            Stored stored = group.live(id, now());
            if (stored == null) {
                return Optional.empty();
            }
            UserSession changed = granted ? stored.session.granting(project) : stored.session.revoking(project);
            group.sessions.put(id, new Stored(changed, stored.digest));
            return Optional.of(changed);
        });
    }

    @Override
    public Uni<Boolean> replaceVerifier(SessionId id, String verifierDigest) {
        return inGroup(id.userTag(), group -> {
            Stored stored = group.live(id, now());
            if (stored == null) {
                return false;
            }
            group.sessions.put(id, new Stored(stored.session, verifierDigest));
            return true;
        });
    }

    @Override
    public Uni<Boolean> revoke(SessionId id) {
        return inGroup(id.userTag(), group -> group.live(id, now()) != null && group.sessions.remove(id) != null);
    }

    @Override
    public Uni<List<UserSession>> findByUser(UserId user) {
        return inGroup(user.tag(), group -> {
            group.prune(now());
            return group.sessions.values().stream().map(s -> s.session).filter(s -> s.userId().equals(user)).toList();
        });
    }

    @Override
    public Uni<Long> revokeAll(UserId user) {
        return inGroup(user.tag(), group -> {
            group.prune(now());
            long before = group.sessions.size();
            group.sessions.values().removeIf(s -> s.session.userId().equals(user));
            return before - group.sessions.size();
        });
    }

    @Override
    public Uni<SessionPage> page(String cursor, int limit) {
        return Uni.createFrom().item(() -> {
            Instant now = now();
            List<StoredSession> sessions = new ArrayList<>();
            String last = cursor;
            for (Map.Entry<String, Group> entry : groups.tailMap(cursor, false).entrySet()) {
                if (sessions.size() >= limit) {
                    return new SessionPage(sessions, 0, Optional.of(last));
                }
                synchronized (entry.getValue()) {
                    entry.getValue().prune(now);
                    entry.getValue().sessions.values().forEach(s -> sessions.add(new StoredSession(s.session, s.digest)));
                }
                last = entry.getKey();
            }
            return new SessionPage(sessions, 0, Optional.empty());
        });
    }

    @Override
    public Uni<Boolean> restore(StoredSession stored) {
        return inGroup(stored.session().id().userTag(), group -> {
            if (!stored.session().isActiveAt(now()) || group.live(stored.session().id(), now()) != null) {
                return false;
            }
            group.sessions.put(stored.session().id(), new Stored(stored.session(), stored.verifierDigest()));
            return true;
        });
    }

    /** How many sessions the user's index holds, expired ones not yet reclaimed included. */
    public int indexedSessions(UserId user) {
        Group group = groups.get(user.tag());
        if (group == null) {
            return 0;
        }
        synchronized (group) {
            return group.sessions.size();
        }
    }

    /** Reclaims every expired session, and groups left empty. */
    public void sweepExpired() {
        Instant now = now();
        groups.forEach((tag, g) -> groups.computeIfPresent(tag, (k, group) -> {
            synchronized (group) {
                group.prune(now);
                if (group.sessions.isEmpty()) {
                    group.retired = true;
                    return null;
                }
                return group;
            }
        }));
    }

    private Instant now() {
        return Instant.ofEpochMilli(clock.millis());
    }

    private <T> Uni<T> inGroup(String userTag, Function<Group, T> work) {
        return Uni.createFrom().item(() -> {
            while (true) {
                Group group = groups.computeIfAbsent(userTag, t -> new Group());
                synchronized (group) {
                    if (!group.retired) {
                        return work.apply(group);
                    }
                }
            }
        });
    }

    private record Stored(UserSession session, String digest) {
    }

    /** The sessions of the users that share one tag, in creation order; guarded by its monitor. */
    private static final class Group {
        final Map<SessionId, Stored> sessions = new LinkedHashMap<>();
        boolean retired;

        Stored live(SessionId id, Instant now) {
            Stored stored = sessions.get(id);
            if (stored != null && !stored.session.isActiveAt(now)) {
                sessions.remove(id);
                return null;
            }
            return stored;
        }

        void prune(Instant now) {
            sessions.values().removeIf(s -> !s.session.isActiveAt(now));
        }
    }
}
