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
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * Rate limit policies on Redis: one hash of all policies, and an in-process copy that checks read
 * without a round trip. Every save and delete is published; every instance drops its copy on the
 * message and reloads on its next check. A copy older than {@link #MAX_AGE} (a message may have
 * been missed while a connection was down) keeps answering while one reload runs in the background,
 * so that a check never waits on a slow or hung Redis for a policy it already knows; the last copy
 * loaded also answers while Redis fails.
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
    /** The copy checks read; null after a change message, until reloaded. */
    private volatile Snapshot snapshot;
    /** The last copy loaded: stands in while Redis cannot answer. */
    private volatile Snapshot lastLoaded;
    /** Set while a background reload of an aged copy runs: one at a time. */
    private final AtomicBoolean revalidating = new AtomicBoolean();

    /** @param clock tells the age of the in-process copy, against {@link #MAX_AGE} */
    public RedisRateLimitPolicies(ReactiveRedisDataSource redis, String keyPrefix, ObjectMapper json, Clock clock) {
        this.hashes = redis.hash(String.class, String.class, String.class);
        this.pubsub = redis.pubsub(String.class);
        this.keys = new RedisKeys(keyPrefix);
        this.json = json;
        this.clock = clock;
        this.subscription = RedisSubscription.toChannel(redis, keys.rateLimitPolicyChanges(), (channel, name) -> changed());
    }

    private record Snapshot(Map<PolicyName, RateLimitPolicy> policies, long loadedAtMillis) {
    }

    @Override
    public Uni<Optional<RateLimitPolicy>> find(PolicyName name) {
        return current().map(policies -> Optional.ofNullable(policies.get(name)));
    }

    /** From the copy held, while one is (an aged one is reloaded in the background, as {@link #find} does). */
    @Override
    public Optional<Optional<RateLimitPolicy>> findAtOnce(PolicyName name) {
        Snapshot s = snapshot;
        if (s == null) {
            return Optional.empty();
        }
        if (clock.millis() - s.loadedAtMillis() >= MAX_AGE.toMillis()) {
            revalidate();
        }
        return Optional.of(Optional.ofNullable(s.policies().get(name)));
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

    /**
     * The in-process copy: answered at once while present (and revalidated in the background when
     * aged), else loaded; the last copy loaded stands in when loading fails.
     */
    private Uni<Map<PolicyName, RateLimitPolicy>> current() {
        Snapshot s = snapshot;
        if (s != null) {
            if (clock.millis() - s.loadedAtMillis() >= MAX_AGE.toMillis()) {
                revalidate();
            }
            return Uni.createFrom().item(s.policies());
        }
        return reload().onFailure().recoverWithUni(failure -> {
            Snapshot last = lastLoaded;
            return last != null ? Uni.createFrom().item(last.policies()) : Uni.createFrom().failure(RedisFailures.translate(failure));
        });
    }

    /**
     * Reloads an aged copy without anyone waiting for it: a deliberate fire-and-forget, one at a time;
     * a failure leaves the aged copy in place and the next check tries again.
     */
    private void revalidate() {
        if (revalidating.compareAndSet(false, true)) {
            reload().onTermination().invoke(() -> revalidating.set(false))
                    .subscribe().with(loaded -> { }, failure -> { });
        }
    }

    private Uni<Map<PolicyName, RateLimitPolicy>> reload() {
        long reloading = generation.get();
        // A reload never waits for the subscription, and remakes it if it was lost (Redis restarted);
        // MAX_AGE bounds staleness in any case.
        subscription.start();
        return hashes.hgetall(keys.rateLimitPolicies()).map(all -> {
            Map<PolicyName, RateLimitPolicy> policies = all.values().stream().map(this::read)
                    .collect(Collectors.toUnmodifiableMap(RateLimitPolicy::name, p -> p));
            Snapshot loaded = new Snapshot(policies, clock.millis());
            lastLoaded = loaded;
            if (generation.get() == reloading) {
                snapshot = loaded;
            }
            return policies;
        });
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
    @RegisterForReflection
    record StoredPolicy(String name, List<StoredLimit> limits, long burst, String failMode) {
    }

    /** The stored form of one limit. */
    @RegisterForReflection
    record StoredLimit(long requests, long windowSeconds) {
    }
}
