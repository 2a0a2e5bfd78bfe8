package infrastructure.embedded;

import domain.ratelimit.FailMode;
import domain.ratelimit.Limit;
import domain.ratelimit.PolicyName;
import domain.ratelimit.RateLimitPolicies;
import domain.ratelimit.RateLimitPolicy;
import domain.ratelimit.Window;
import io.smallrye.mutiny.Uni;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Rate limit policies stored at runtime in the embedded store: a row per policy and a row per limit,
 * replaced together in one write. They never expire: an operator's settings, kept until deleted.
 *
 * <p>Every stored policy is held in process once the first lookup has read them all (as many as the
 * operator saved), so that a rate limit check reads no policy from the file, not even to learn that a
 * name has none (the policy {@code api} is looked up on every request): this process is the only
 * writer, and each save or delete updates what is held right after its commit, before its caller
 * hears of it.
 */
public final class EmbeddedRateLimitPolicies implements RateLimitPolicies {

    private static final String SELECT = "SELECT p.name, p.burst, p.fail_mode, l.requests, l.window_seconds "
            + "FROM rate_limit_policies p JOIN rate_limit_policy_limits l ON l.policy = p.name ";

    private final EmbeddedDatabase db;
    /** Every stored policy by name, once read; null before. */
    private volatile Map<String, RateLimitPolicy> held;
    /** Changes committed so far: a read that began before one must not keep what it read. */
    private final AtomicLong changes = new AtomicLong();

    public EmbeddedRateLimitPolicies(EmbeddedDatabase db) {
        this.db = db;
        db.define("""
                CREATE TABLE IF NOT EXISTS rate_limit_policies (
                    name TEXT PRIMARY KEY,
                    burst INTEGER NOT NULL,
                    fail_mode TEXT NOT NULL
                ) WITHOUT ROWID""", """
                CREATE TABLE IF NOT EXISTS rate_limit_policy_limits (
                    policy TEXT NOT NULL,
                    window_seconds INTEGER NOT NULL,
                    requests INTEGER NOT NULL,
                    PRIMARY KEY (policy, window_seconds)
                ) WITHOUT ROWID""");
    }

    @Override
    public Optional<Optional<RateLimitPolicy>> findAtOnce(PolicyName name) {
        Map<String, RateLimitPolicy> all = held;
        return all == null ? Optional.empty() : Optional.of(Optional.ofNullable(all.get(name.value())));
    }

    @Override
    public Uni<Optional<RateLimitPolicy>> find(PolicyName name) {
        Map<String, RateLimitPolicy> all = held;
        if (all != null) {
            return Uni.createFrom().item(Optional.ofNullable(all.get(name.value())));
        }
        return hold().map(read -> Optional.ofNullable(read.get(name.value())));
    }

    /** Reads every policy, and holds them unless a change committed meanwhile (the next lookup reads again). */
    private Uni<Map<String, RateLimitPolicy>> hold() {
        long before = changes.get();
        return db.read(c -> {
            try (PreparedStatement select = c.prepareStatement(SELECT + "ORDER BY p.name, l.window_seconds")) {
                Map<String, RateLimitPolicy> all = new ConcurrentHashMap<>();
                policies(select).forEach(policy -> all.put(policy.name().value(), policy));
                return all;
            }
        }).invoke(all -> {
            synchronized (this) {
                if (changes.get() == before && held == null) {
                    held = all;
                }
            }
        });
    }

    /** Right after a save ({@code saved} present) or delete of {@code name} committed, on the writer. */
    private synchronized void changed(PolicyName name, Optional<RateLimitPolicy> saved) {
        changes.incrementAndGet();
        Map<String, RateLimitPolicy> all = held;
        if (all != null) {
            saved.ifPresentOrElse(policy -> all.put(name.value(), policy), () -> all.remove(name.value()));
        }
    }

    @Override
    public Uni<List<RateLimitPolicy>> list() {
        return db.read(c -> {
            try (PreparedStatement select = c.prepareStatement(SELECT + "ORDER BY p.name, l.window_seconds")) {
                return policies(select);
            }
        });
    }

    @Override
    public Uni<Void> save(RateLimitPolicy policy) {
        return db.write(c -> {
            delete(c, policy.name());
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO rate_limit_policies (name, burst, fail_mode) VALUES (?, ?, ?)")) {
                insert.setString(1, policy.name().value());
                insert.setLong(2, policy.burst());
                insert.setString(3, policy.failMode().wireName());
                insert.executeUpdate();
            }
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO rate_limit_policy_limits (policy, window_seconds, requests) VALUES (?, ?, ?)")) {
                for (Limit limit : policy.limits()) {
                    insert.setString(1, policy.name().value());
                    insert.setLong(2, limit.window().seconds());
                    insert.setLong(3, limit.requests());
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            return null;
        }, done -> changed(policy.name(), Optional.of(policy)));
    }

    @Override
    public Uni<Boolean> delete(PolicyName name) {
        return db.write(c -> delete(c, name), deleted -> changed(name, Optional.empty()));
    }

    private static boolean delete(Connection c, PolicyName name) throws SQLException {
        try (PreparedStatement limits = c.prepareStatement("DELETE FROM rate_limit_policy_limits WHERE policy = ?");
                PreparedStatement policy = c.prepareStatement("DELETE FROM rate_limit_policies WHERE name = ?")) {
            limits.setString(1, name.value());
            limits.executeUpdate();
            policy.setString(1, name.value());
            return policy.executeUpdate() == 1;
        }
    }

    /** A policy being read: its own row, then one limit per row of the join. */
    private record Reading(long burst, FailMode failMode, List<Limit> limits) {
    }

    /** The policies in the rows, in their order; a policy's rows (one per limit) come together. */
    private static List<RateLimitPolicy> policies(PreparedStatement select) throws SQLException {
        Map<String, Reading> read = new LinkedHashMap<>();
        try (ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                Reading reading = read.get(rows.getString(1));
                if (reading == null) {
                    reading = new Reading(rows.getLong(2), FailMode.parse(rows.getString(3)), new ArrayList<>());
                    read.put(rows.getString(1), reading);
                }
                reading.limits().add(Limit.of(rows.getLong(4), Window.ofSeconds(rows.getLong(5))));
            }
        }
        List<RateLimitPolicy> policies = new ArrayList<>(read.size());
        read.forEach((name, r) -> policies.add(new RateLimitPolicy(PolicyName.of(name), r.limits(), r.burst(), r.failMode())));
        return policies;
    }
}
