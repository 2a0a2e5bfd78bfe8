package infrastructure.redis;

import domain.InvalidValueException;
import domain.cache.CacheKey;
import domain.cache.CacheTag;
import domain.progress.ProgressId;
import domain.project.ProjectId;
import domain.ratelimit.RateLimitKey;
import domain.session.SessionId;
import java.util.regex.Pattern;

/**
 * Every Redis key the service writes, in one place.
 *
 * <p>A project's keys all carry the hash tag {@code {p:<projectId>}}: they live in one hash slot,
 * so a script may touch several of them on Redis Cluster, and a project's data never shares a key
 * with another project's. Layout under the prefix (default {@code cd}):
 * <pre>
 * cd:{p:ID}:c:KEY   hash   one cache entry (v value, ver, ca, ea, tg tags, h hits, la last access)
 * cd:{p:ID}:k       zset   every key name, score 0, for lexical paging
 * cd:{p:ID}:x       zset   every key name, score = expiry (ms), for reclaiming and counting
 * cd:{p:ID}:t:TAG   zset   key names carrying TAG, score = expiry (ms)
 * cd:{p:ID}:tg      zset   tag names in use, score = latest expiry (ms)
 * cd:{p:ID}:m       hash   seq (version sequence), hits, misses
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
        return project(project) + "c:" + key.value();
    }

    String entry(ProjectId project, String key) {
        return project(project) + "c:" + key;
    }

    String keyIndex(ProjectId project) {
        return project(project) + "k";
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

    String apiKeyRecord(String digest) {
        return prefix + ":{ak}:d:" + digest;
    }

    private String project(ProjectId project) {
        return prefix + ":{p:" + project.value() + "}:";
    }
}
