package infrastructure.redis;

import domain.InvalidValueException;
import domain.cache.CacheKey;
import domain.cache.CacheTag;
import domain.encryption.KeysetOwner;
import domain.progress.ProgressId;
import domain.project.ProjectId;
import domain.ratelimit.RateLimitKey;
import domain.session.SessionId;
import domain.task.IdempotencyKey;
import domain.task.QueueName;
import domain.task.TaskState;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Every Redis key the service writes, in one place.
 *
 * <p>A project's keys all carry the hash tag {@code {p:<projectId>}}: they live in one hash slot,
 * so a script may touch several of them on Redis Cluster, and a project's data never shares a key
 * with another project's. Layout under the prefix (default {@code cd}):
 * <pre>
 * cd:c:{p:ID}:KEY   hash   one cache entry (v value, ver, ca, ea, tg tags); every
 *                         entry and nothing else starts with cd:c:, the one prefix the near cache tracks
 * cd:{p:ID}:h:KEY  hash   one entry's statistics (h hits, la last access), apart from the entry so that
 *                         recording them does not look like a change to near caches; TTL the entry's
 * cd:{p:ID}:k       zset   every key name, score 0, for lexical paging
 * cd:{p:ID}:x       zset   every key name, score = expiry (ms), for reclaiming and counting
 * cd:{p:ID}:t:TAG   zset   key names carrying TAG, score = expiry (ms)
 * cd:{p:ID}:tg      zset   tag names in use, score = latest expiry (ms)
 * cd:{p:ID}:m       hash   seq (version sequence), hits, misses
 * cd:{p:ID}:ks      hash   the project's data keyset, wrapped (k kek id, r revision, ks keyset); no TTL: it
 *                         must outlive every value encrypted under it, and goes when the project is shredded
 * cd:{keys}:sessions:ks hash the sessions' data keyset, wrapped, as above; no TTL, for the same reason
 * cd:{keys}:rotations hash keyset owner (project id, or _sessions) -> its latest key rotation ("primary|started
 *                         ms|finished ms or empty"); no TTL: one field per owner that rotated, read at start to
 *                         resume unfinished ones
 * cd:{u:TAG}:s:ID  hash   one session (u user, d verifier digest, ud user data, p projects, ca, la, it, ax)
 * cd:{u:TAG}:e     zset   session ids by idle expiry: the liveness index of the users with that tag
 * cd:{u:TAG}:o     zset   session ids by creation, for evicting the oldest
 * cd:{p:ID}:rl:POLICY:SCOPE:VALUE  hash  rate limit counters of one identifier (i/c/p per window)
 * cd:{api:NAME}:rl:api:key:NAME    hash  a principal's counters under the service's own policy api
 * cd:{p:ID}:pg:OP  hash   one operation's progress (total, current, status, message, started, updated, seq)
 * cd:{p:ID}:pe:OP  stream its events, entry ids 0-<sequence>, trimmed to the newest N
 * cd:{p:ID}:pgl   zset   operation ids, score 0, for lexical paging
 * cd:{p:ID}:pgx   zset   operation ids, score = expiry (ms), for reclaiming index entries
 * cd:{p:ID}:tk:DIGEST string a stream ticket by SHA-256 of its secret (30 s, taken once)
 * cd:pev:ID/OP     channel new events of the operation, for followers on every instance
 * cd:{p:ID}:q:Q:t  hash   task queue Q: task id -> record (JSON: state, attempt, lease, run-at...);
 *                         no TTL while a task waits or runs, else expires with the last finished one
 * cd:{p:ID}:q:Q:b  hash   task id -> payload, kept exactly as long as the records
 * cd:{p:ID}:q:Q:r  zset   QUEUED ids, score (10 - priority) * 1e12 + sequence: claim order
 * cd:{p:ID}:q:Q:l  zset   SCHEDULED and FAILED ids, score run-at (ms): promoted when due
 * cd:{p:ID}:q:Q:w  zset   RUNNING ids, score lease end (ms): reclaimed by the next claim once passed
 * cd:{p:ID}:q:Q:x  zset   finished ids, score end of retention (ms); TTL the longest retention
 *                         (r, l, w: no TTL, they hold only live tasks, and Redis drops them empty)
 * cd:{p:ID}:q:Q:s:STATE zset ids in that state, score sequence, for listing and counting; the
 *                         finished states' keys have the TTL of their retention, the others none
 * cd:{p:ID}:q:Q:n  string the queue's sequence; expires with the records
 * cd:{p:ID}:q:Q:c  string the queue's settings (JSON; no TTL: configuration)
 * cd:{p:ID}:q:Q:i:KEY string an idempotency key: "<task id>|<window end ms>", TTL the window
 * cd:tqw:ID/Q      channel a task became claimable in the queue, for long polls on every instance
 * cd:{rlp}:policies hash   rate limit policies stored at runtime (no TTL: configuration)
 * cd:rlp:changed    channel a policy was saved or deleted; every instance reloads
 * cd:rev            channel revocation notices (a key, a session, a user's sessions revoked; access changed)
 * cd:{ak}:n         hash   API key name -> record      (no TTL: keys live until revoked)
 * cd:{ak}:d:DIGEST  string API key record by SHA-256 of its secret (no TTL, likewise)
 * </pre>
 */
final class RedisKeys {

    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9._-]{1,32}");

    private final String prefix;

    /** Rule: 1 to 32 characters of {@code A-Z a-z 0-9 . _ -}; no braces, which would change the hash slot. */
    RedisKeys(String prefix) {
        if (!PREFIX.matcher(prefix).matches()) {
            throw new InvalidValueException("key prefix must be 1 to 32 characters of A-Z, a-z, 0-9, '.', '_' or '-'");
        }
        this.prefix = prefix;
    }

    String entry(ProjectId project, CacheKey key) {
        return entry(project, key.value());
    }

    String entry(ProjectId project, String key) {
        return entries() + "{p:" + project.value() + "}:" + key;
    }

    String entryStats(ProjectId project, String key) {
        return project(project) + "h:" + key;
    }

    /** Every cache entry's key starts with this, and no other key does. */
    String entries() {
        return prefix + ":c:";
    }

    /**
     * The project and key name of a cache entry's Redis key; null for any other key. Project ids
     * hold no brace and key names no colon-brace, so the first {@code "}:"} ends the project.
     */
    Entry entryOf(String redisKey) {
        String entries = entries();
        if (!redisKey.startsWith(entries) || !redisKey.startsWith("{p:", entries.length())) {
            return null;
        }
        int from = entries.length() + 3;
        int end = redisKey.indexOf("}:", from);
        if (end < 0) {
            return null;
        }
        try {
            return new Entry(ProjectId.of(redisKey.substring(from, end)), redisKey.substring(end + 2));
        } catch (InvalidValueException e) {
            return null;
        }
    }

    /** A cache entry named by its Redis key. */
    record Entry(ProjectId project, String key) {
    }

    String keyIndex(ProjectId project) {
        return project(project) + "k";
    }

    /** A SCAN pattern matching every project's name index (and possibly more: check with {@link #projectOfKeyIndex}). */
    String keyIndexPattern() {
        return prefix + ":{p:*}:k";
    }

    /** The project whose name index {@code redisKey} is, if it is one. */
    Optional<ProjectId> projectOfKeyIndex(String redisKey) {
        return projectOf(redisKey, "}:k");
    }

    /** A SCAN pattern matching every project's index of operations (check with {@link #projectOfProgressIndex}). */
    String progressIndexPattern() {
        return prefix + ":{p:*}:pgl";
    }

    /** The project whose index of operations {@code redisKey} is, if it is one. */
    Optional<ProjectId> projectOfProgressIndex(String redisKey) {
        return projectOf(redisKey, "}:pgl");
    }

    private Optional<ProjectId> projectOf(String redisKey, String end) {
        String start = prefix + ":{p:";
        if (!redisKey.startsWith(start) || !redisKey.endsWith(end) || redisKey.length() <= start.length() + end.length()) {
            return Optional.empty();
        }
        String id = redisKey.substring(start.length(), redisKey.length() - end.length());
        return ProjectId.isValid(id) ? Optional.of(ProjectId.of(id)) : Optional.empty();
    }

    String expiryIndex(ProjectId project) {
        return project(project) + "x";
    }

    String tagIndex(ProjectId project, CacheTag tag) {
        return project(project) + "t:" + tag.value();
    }

    String tagIndex(ProjectId project, String tag) {
        return project(project) + "t:" + tag;
    }

    String tagRegistry(ProjectId project) {
        return project(project) + "tg";
    }

    /**
     * An owner's keyset: a project's in the project's slot, with the rest of its data; the sessions'
     * beside the rotations, in a slot of the keys' own.
     */
    String keyset(KeysetOwner owner) {
        return owner.project().map(project -> project(project) + "ks").orElseGet(() -> prefix + ":{keys}:sessions:ks");
    }

    String keyRotations() {
        return prefix + ":{keys}:rotations";
    }

    String meta(ProjectId project) {
        return project(project) + "m";
    }

    String session(SessionId id) {
        return users(id.userTag()) + "s:" + id.value();
    }

    String sessionLiveness(String userTag) {
        return users(userTag) + "e";
    }

    String sessionCreation(String userTag) {
        return users(userTag) + "o";
    }

    /** A SCAN pattern matching every user tag's liveness index (and possibly more: check with {@link #userTagOfLiveness}). */
    String sessionLivenessPattern() {
        return prefix + ":{u:*}:e";
    }

    /** The user tag whose liveness index {@code redisKey} is, if it is one. */
    Optional<String> userTagOfLiveness(String redisKey) {
        String start = prefix + ":{u:";
        if (!redisKey.startsWith(start) || !redisKey.endsWith("}:e") || redisKey.length() != start.length() + 16 + 3) {
            return Optional.empty();
        }
        String tag = redisKey.substring(start.length(), start.length() + 16);
        return tag.matches("[0-9a-f]{16}") ? Optional.of(tag) : Optional.empty();
    }

    private String users(String userTag) {
        return prefix + ":{u:" + userTag + "}:";
    }

    String rateLimit(RateLimitKey key) {
        String namespace = key.project().map(p -> "p:" + p.value()).orElse("api:" + key.identifier().value());
        return prefix + ":{" + namespace + "}:rl:" + key.policy().value() + ":" + key.identifier().scope().wireName()
                + ":" + key.identifier().value();
    }

    String progress(ProjectId project, ProgressId id) {
        return project(project) + "pg:" + id.value();
    }

    String progressEvents(ProjectId project, ProgressId id) {
        return project(project) + "pe:" + id.value();
    }

    String progressIndex(ProjectId project) {
        return project(project) + "pgl";
    }

    String progressExpiries(ProjectId project) {
        return project(project) + "pgx";
    }

    String progressTicket(ProjectId project, String digest) {
        return project(project) + "tk:" + digest;
    }

    String progressChannel(ProjectId project, ProgressId id) {
        return progressChannels() + project.value() + "/" + id.value();
    }

    /** Every progress channel starts with this: one pattern subscription per instance covers them all. */
    String progressChannels() {
        return prefix + ":pev:";
    }

    /** Every key a task script touches, in the order the scripts name them (KEYS[1..15]). */
    List<String> taskQueue(ProjectId project, QueueName queue) {
        String q = taskQueuePrefix(project, queue);
        return List.of(q + "t", q + "b", q + "r", q + "l", q + "w", q + "x", q + "c", q + "m",
                taskStates(q, TaskState.QUEUED), taskStates(q, TaskState.SCHEDULED), taskStates(q, TaskState.RUNNING),
                taskStates(q, TaskState.SUCCEEDED), taskStates(q, TaskState.FAILED), taskStates(q, TaskState.DEAD),
                taskStates(q, TaskState.CANCELLED));
    }

    /** A SCAN pattern matching the task records of every queue of the project (check with {@link #queueOfTaskRecords}). */
    String taskRecordsPattern(ProjectId project) {
        return project(project) + "q:*:t";
    }

    /** The queue whose task records {@code redisKey} are, if they are the project's. */
    Optional<QueueName> queueOfTaskRecords(ProjectId project, String redisKey) {
        String start = project(project) + "q:";
        if (!redisKey.startsWith(start) || !redisKey.endsWith(":t")) {
            return Optional.empty();
        }
        String name = redisKey.substring(start.length(), redisKey.length() - 2);
        try {
            return Optional.of(QueueName.of(name));
        } catch (domain.InvalidValueException e) {
            return Optional.empty();
        }
    }

    String taskSettings(ProjectId project, QueueName queue) {
        return taskQueuePrefix(project, queue) + "c";
    }

    String taskIdempotency(ProjectId project, QueueName queue, IdempotencyKey key) {
        return taskQueuePrefix(project, queue) + "i:" + key.value();
    }

    String taskChannel(ProjectId project, QueueName queue) {
        return taskChannels() + project.value() + "/" + queue.value();
    }

    /** Every task queue channel starts with this: one pattern subscription per instance covers them all. */
    String taskChannels() {
        return prefix + ":tqw:";
    }

    private String taskQueuePrefix(ProjectId project, QueueName queue) {
        return project(project) + "q:" + queue.value() + ":";
    }

    private static String taskStates(String queuePrefix, TaskState state) {
        return queuePrefix + "s:" + state.name().toLowerCase(Locale.ROOT);
    }

    String rateLimitPolicies() {
        return prefix + ":{rlp}:policies";
    }

    String rateLimitPolicyChanges() {
        return prefix + ":rlp:changed";
    }

    String revocations() {
        return prefix + ":rev";
    }

    String apiKeyRegistry() {
        return prefix + ":{ak}:n";
    }

    /** Hash: key name to the epoch milliseconds of its last noted use. */
    String apiKeyUses() {
        return prefix + ":{ak}:u";
    }

    String apiKeyRecord(String digest) {
        return prefix + ":{ak}:d:" + digest;
    }

    private String project(ProjectId project) {
        return prefix + ":{p:" + project.value() + "}:";
    }
}
