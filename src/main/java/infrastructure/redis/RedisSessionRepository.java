package infrastructure.redis;

import domain.project.ProjectId;
import domain.session.SessionId;
import domain.session.SessionPage;
import domain.session.StoredSession;
import domain.session.SessionRepository;
import domain.session.SessionToken;
import domain.session.UserId;
import domain.session.UserSession;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Response;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The session port on Redis: one hash per session, and per user tag a liveness index (by idle
 * expiry) and a creation index, all in the user's hash slot. Membership in the liveness index is
 * what makes a session live, so the index cleans itself by score, without keyspace notifications.
 */
public final class RedisSessionRepository implements SessionRepository {

    private static final LuaScript CREATE = LuaScript.load("session_create");
    private static final LuaScript READ = LuaScript.load("session_read");
    private static final LuaScript UPDATE = LuaScript.load("session_update");
    private static final LuaScript REVOKE = LuaScript.load("session_revoke");
    private static final LuaScript LIST = LuaScript.load("session_list");
    private static final LuaScript RESTORE = LuaScript.load("session_restore");
    /** User tags whose sessions are read at once in a walk over every session. */
    private static final int CONCURRENT_TAGS = 8;

    private final ReactiveRedisDataSource redis;
    private final RedisKeys keys;
    private final Clock clock;
    private final RedisTrackedNodes nodes;

    /** On a data source of one node (standalone or Sentinel). */
    public RedisSessionRepository(ReactiveRedisDataSource redis, String keyPrefix, Clock clock) {
        this(redis, keyPrefix, clock, RedisTrackedNodes.single(redis));
    }

    /** @param nodes the nodes holding keys, SCANned by a walk over every session */
    public RedisSessionRepository(ReactiveRedisDataSource redis, String keyPrefix, Clock clock, RedisTrackedNodes nodes) {
        this.redis = redis;
        this.keys = new RedisKeys(keyPrefix);
        this.clock = clock;
        this.nodes = nodes;
    }

    @Override
    public Uni<List<SessionId>> create(UserSession session, String verifierDigest, int maxPerUser) {
        String tag = session.id().userTag();
        Uni<List<String>> existing = maxPerUser > 0 ? idsOf(tag) : Uni.createFrom().item(List.of());
        return existing.chain(ids -> {
            List<String> scriptKeys = new ArrayList<>(3 + ids.size());
            scriptKeys.add(keys.session(session.id()));
            scriptKeys.add(keys.sessionLiveness(tag));
            scriptKeys.add(keys.sessionCreation(tag));
            ids.forEach(id -> scriptKeys.add(keys.session(SessionId.of(id))));
            List<String> args = new ArrayList<>(11 + ids.size());
            args.add(session.id().value());
            args.add(Long.toString(clock.millis()));
            args.add(Integer.toString(maxPerUser));
            args.add(session.userId().value());
            args.add(verifierDigest);
            args.add(session.userData());
            args.add(joinProjects(session.projectAccess()));
            args.add(Long.toString(session.createdAt().toEpochMilli()));
            args.add(Long.toString(session.idleTimeout().toMillis()));
            args.add(Long.toString(session.absoluteExpiresAt().toEpochMilli()));
            args.add(Long.toString(session.idleExpiresAt().toEpochMilli()));
            args.addAll(ids);
            return run(CREATE, scriptKeys, args);
        }).map(revoked -> {
            List<SessionId> ids = new ArrayList<>(revoked.size());
            revoked.forEach(r -> ids.add(SessionId.of(r.toString())));
            return ids;
        });
    }

    @Override
    public Uni<Optional<UserSession>> open(SessionToken token, boolean touch) {
        return read(token.sessionId(), token.verifierDigest(), touch);
    }

    @Override
    public Uni<Optional<UserSession>> find(SessionId id) {
        return read(id, "", false);
    }

    @Override
    public Uni<Optional<UserSession>> changeAccess(SessionId id, ProjectId project, boolean granted) {
        return update(id, granted ? "grant" : "revoke", project.value());
    }

    @Override
    public Uni<Boolean> replaceVerifier(SessionId id, String verifierDigest) {
        return update(id, "verifier", verifierDigest).map(Optional::isPresent);
    }

    @Override
    public Uni<Boolean> revoke(SessionId id) {
        return revokeAll(id.userTag(), List.of(id.value())).map(n -> n > 0);
    }

    @Override
    public Uni<List<UserSession>> findByUser(UserId user) {
        String tag = user.tag();
        return idsOf(tag).chain(ids -> run(LIST, indexesAnd(tag, ids), nowAnd(ids))).map(flat -> {
            List<UserSession> sessions = new ArrayList<>();
            for (int i = 0; i + 8 < flat.size(); i += 9) {
                UserSession s = session(SessionId.of(flat.get(i).toString()), flat, i + 1);
                if (s.userId().equals(user)) { // another user may share the tag (one in 2^64)
                    sessions.add(s);
                }
            }
            return sessions;
        });
    }

    /**
     * One SCAN step over the user tags' liveness indexes ({@link RedisTrackedNodes#scanStep}), then the
     * live sessions of each tag found, each tag's read in one script; the cursor is the scan's.
     */
    @Override
    public Uni<SessionPage> page(String cursor, int limit) {
        return nodes.scanStep(keys.sessionLivenessPattern(), cursor, limit)
                .onFailure().transform(RedisFailures::translate)
                .chain(step -> Multi.createFrom().iterable(step.keys())
                        .map(keys::userTagOfLiveness)
                        .filter(Optional::isPresent)
                        .onItem().transformToUni(tag -> sessionsOf(tag.get())).merge(CONCURRENT_TAGS)
                        .collect().in(ArrayList<StoredSession>::new, List::addAll)
                        .map(sessions -> new SessionPage(sessions, 0, step.next())));
    }

    @Override
    public Uni<Boolean> restore(StoredSession stored) {
        UserSession session = stored.session();
        String tag = session.id().userTag();
        return run(RESTORE, List.of(keys.session(session.id()), keys.sessionLiveness(tag), keys.sessionCreation(tag)),
                List.of(session.id().value(), Long.toString(clock.millis()), session.userId().value(), stored.verifierDigest(),
                        session.userData(), joinProjects(session.projectAccess()),
                        Long.toString(session.createdAt().toEpochMilli()), Long.toString(session.lastActivityAt().toEpochMilli()),
                        Long.toString(session.idleTimeout().toMillis()), Long.toString(session.absoluteExpiresAt().toEpochMilli()),
                        Long.toString(session.idleExpiresAt().toEpochMilli())))
                .map(done -> done.toLong() == 1);
    }

    /** The live sessions of every user sharing the tag, with their digests. */
    private Uni<List<StoredSession>> sessionsOf(String tag) {
        return idsOf(tag).chain(ids -> ids.isEmpty()
                ? Uni.createFrom().item(List.<StoredSession>of())
                : run(LIST, indexesAnd(tag, ids), nowAnd(ids)).map(RedisSessionRepository::stored));
    }

    /** The sessions of the list script's answer (for each, its id, 7 fields and its digest), with their digests. */
    private static List<StoredSession> stored(Response flat) {
        List<StoredSession> sessions = new ArrayList<>();
        for (int i = 0; i + 8 < flat.size(); i += 9) {
            sessions.add(new StoredSession(session(SessionId.of(flat.get(i).toString()), flat, i + 1), flat.get(i + 8).toString()));
        }
        return sessions;
    }

    @Override
    public Uni<Long> revokeAll(UserId user) {
        return findByUser(user).chain(sessions -> sessions.isEmpty()
                ? Uni.createFrom().item(0L)
                : revokeAll(user.tag(), sessions.stream().map(s -> s.id().value()).toList()));
    }

    private Uni<Long> revokeAll(String tag, List<String> ids) {
        return run(REVOKE, indexesAnd(tag, ids), nowAnd(ids)).map(Response::toLong);
    }

    /** The tag's liveness and creation indexes, then the hash of each session named. */
    private List<String> indexesAnd(String tag, List<String> ids) {
        List<String> scriptKeys = new ArrayList<>(2 + ids.size());
        scriptKeys.add(keys.sessionLiveness(tag));
        scriptKeys.add(keys.sessionCreation(tag));
        ids.forEach(id -> scriptKeys.add(keys.session(SessionId.of(id))));
        return scriptKeys;
    }

    /** The clock, then the session ids, as the list and revoke scripts take them. */
    private List<String> nowAnd(List<String> ids) {
        List<String> args = new ArrayList<>(1 + ids.size());
        args.add(Long.toString(clock.millis()));
        args.addAll(ids);
        return args;
    }

    private Uni<Optional<UserSession>> read(SessionId id, String digest, boolean touch) {
        String tag = id.userTag();
        return run(READ, List.of(keys.session(id), keys.sessionLiveness(tag), keys.sessionCreation(tag)),
                List.of(id.value(), Long.toString(clock.millis()), digest, touch ? "1" : "0"))
                .map(r -> r == null ? Optional.empty() : Optional.of(session(id, r, 0)));
    }

    private Uni<Optional<UserSession>> update(SessionId id, String change, String value) {
        return run(UPDATE, List.of(keys.session(id), keys.sessionLiveness(id.userTag())),
                List.of(id.value(), Long.toString(clock.millis()), change, value))
                .map(r -> r == null ? Optional.empty() : Optional.of(session(id, r, 0)));
    }

    /** The ids in the user tag's creation index, oldest first. */
    private Uni<List<String>> idsOf(String tag) {
        return redis.execute(Command.ZRANGE, keys.sessionCreation(tag), "0", "-1")
                .map(r -> {
                    List<String> ids = new ArrayList<>(r.size());
                    r.forEach(item -> ids.add(item.toString()));
                    return ids;
                })
                .onFailure().transform(RedisFailures::translate);
    }

    private Uni<Response> run(LuaScript script, List<String> scriptKeys, List<String> args) {
        return script.run(redis, scriptKeys, args).onFailure().transform(RedisFailures::translate);
    }

    /** A session from the 7 fields the scripts return, starting at {@code at}. */
    private static UserSession session(SessionId id, Response r, int at) {
        Set<ProjectId> projects = Arrays.stream(r.get(at + 2).toString().split("\n"))
                .filter(p -> !p.isEmpty()).map(ProjectId::of).collect(Collectors.toSet());
        return new UserSession(id, UserId.of(r.get(at).toString()), r.get(at + 1).toString(), projects,
                Instant.ofEpochMilli(r.get(at + 3).toLong()), Instant.ofEpochMilli(r.get(at + 4).toLong()),
                Duration.ofMillis(r.get(at + 5).toLong()), Instant.ofEpochMilli(r.get(at + 6).toLong()));
    }

    private static String joinProjects(Set<ProjectId> projects) {
        return projects.stream().map(ProjectId::value).sorted().collect(Collectors.joining("\n"));
    }
}
