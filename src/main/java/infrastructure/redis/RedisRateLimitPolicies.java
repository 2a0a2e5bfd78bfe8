package infrastructure.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import domain.ratelimit.FailMode;
import domain.ratelimit.Limit;
import domain.ratelimit.PolicyName;
import domain.ratelimit.RateLimitPolicies;
import domain.ratelimit.RateLimitPolicy;
import domain.ratelimit.Window;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.hash.ReactiveHashCommands;
import io.quarkus.redis.datasource.pubsub.ReactivePubSubCommands;
import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * Rate limit policies on Redis: one hash of all policies, and an in-process copy that checks read
 * without a round trip. Every save and delete is published; every instance drops its copy on the
 * message and reloads on its next check. A copy is also reloaded when older than
 * {@link #MAX_AGE}, in case a message was missed while a connection was down.
 */
public final class RedisRateLimitPolicies implements RateLimitPolicies {

    static final Duration MAX_AGE = Duration.ofSeconds(5);

    private final ReactiveHashCommands<String, String, String> hashes;
    private final ReactivePubSubCommands<String> pubsub;
    private final RedisKeys keys;
    private final ObjectMapper json;
    private final Clock clock;
    /** Change messages drop this instance's copy. */
    private final RedisSubscription subscription;
    /** Moves on every change: a reload that began before a change must not install its copy. */
    private final AtomicLong generation = new AtomicLong();
    private volatile Snapshot snapshot;

    public RedisRateLimitPolicies(ReactiveRedisDataSource redis, String keyPrefix, ObjectMapper json) {
        this.hashes = redis.hash(String.class, String.class, String.class);
        this.pubsub = redis.pubsub(String.class);
        this.keys = new RedisKeys(keyPrefix);
        this.json = json;
        this.clock = Clock.systemUTC();
        this.subscription = RedisSubscription.toChannel(redis, keys.rateLimitPolicyChanges(), (channel, name) -> changed());
    }

    private record Snapshot(Map<PolicyName, RateLimitPolicy> policies, long loadedAtMillis) {
    }

    @Override
    public Uni<Optional<RateLimitPolicy>> find(PolicyName name) {
        return current().map(policies -> Optional.ofNullable(policies.get(name)));
    }

    @Override
    public Uni<List<RateLimitPolicy>> list() {
        return current().map(policies -> policies.values().stream()
                .sorted(Comparator.comparing(p -> p.name().value())).toList());
    }

    @Override
    public Uni<Void> save(RateLimitPolicy policy) {
        return hashes.hset(keys.rateLimitPolicies(), policy.name().value(), write(policy))
                .chain(() -> announce(policy.name()))
                .onFailure().transform(RedisFailures::translate);
    }

    @Override
    public Uni<Boolean> delete(PolicyName name) {
        return hashes.hdel(keys.rateLimitPolicies(), name.value())
                .call(() -> announce(name))
                .map(removed -> removed > 0)
                .onFailure().transform(RedisFailures::translate);
    }

    private Uni<Void> announce(PolicyName name) {
        changed();
        return pubsub.publish(keys.rateLimitPolicyChanges(), name.value());
    }

    /** The in-process copy, reloaded first when absent or older than MAX_AGE; a stale copy serves while Redis is down. */
    private Uni<Map<PolicyName, RateLimitPolicy>> current() {
        Snapshot s = snapshot;
        if (s != null && clock.millis() - s.loadedAtMillis() < MAX_AGE.toMillis()) {
            return Uni.createFrom().item(s.policies());
        }
        long reloading = generation.get();
        // A reload never waits for the subscription: inside the service the client does not always
        // confirm it, while its messages do arrive; MAX_AGE bounds staleness in any case.
        subscription.start();
        return hashes.hgetall(keys.rateLimitPolicies())
                .map(all -> {
                    Map<PolicyName, RateLimitPolicy> policies = all.values().stream().map(this::read)
                            .collect(Collectors.toUnmodifiableMap(RateLimitPolicy::name, p -> p));
                    if (generation.get() == reloading) {
                        snapshot = new Snapshot(policies, clock.millis());
                    }
                    return policies;
                })
                .onFailure().recoverWithUni(failure -> s != null
                        ? Uni.createFrom().item(s.policies())
                        : Uni.createFrom().failure(RedisFailures.translate(failure)));
    }

    private void changed() {
        generation.incrementAndGet();
        snapshot = null;
    }

    private String write(RateLimitPolicy policy) {
        try {
            return json.writeValueAsString(new StoredPolicy(policy.name().value(),
                    policy.limits().stream().map(l -> new StoredLimit(l.requests(), l.window().seconds())).toList(),
                    policy.burst(), policy.failMode().wireName()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a policy always serializes", e);
        }
    }

    private RateLimitPolicy read(String stored) {
        try {
            StoredPolicy p = json.readValue(stored, StoredPolicy.class);
            return new RateLimitPolicy(PolicyName.of(p.name()),
                    p.limits().stream().map(l -> Limit.of(l.requests(), Window.ofSeconds(l.windowSeconds()))).toList(),
                    p.burst(), FailMode.parse(p.failMode()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable rate limit policy in Redis", e);
        }
    }

    /** The stored form of a policy. */
    record StoredPolicy(String name, List<StoredLimit> limits, long burst, String failMode) {
    }

    /** The stored form of one limit. */
    record StoredLimit(long requests, long windowSeconds) {
    }
}
