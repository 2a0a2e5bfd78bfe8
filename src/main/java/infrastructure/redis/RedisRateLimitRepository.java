package infrastructure.redis;

import domain.ratelimit.Consumption;
import domain.ratelimit.Grant;
import domain.ratelimit.Limit;
import domain.ratelimit.RateLimitKey;
import domain.ratelimit.RateLimitPolicy;
import domain.ratelimit.RateLimitRepository;
import domain.ratelimit.WindowState;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.keys.ReactiveKeyCommands;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The rate limit port on Redis: one small hash per identifier (three fields per window), every
 * window of a policy decided and counted by one script, in one round trip.
 */
public final class RedisRateLimitRepository implements RateLimitRepository {

    private static final LuaScript CHECK = LuaScript.load("ratelimit_check");
    private static final LuaScript LEASE = LuaScript.load("ratelimit_lease");

    private final ReactiveRedisDataSource redis;
    private final ReactiveKeyCommands<String> keyCommands;
    private final RedisKeys keys;
    private final Clock clock;

    public RedisRateLimitRepository(ReactiveRedisDataSource redis, String keyPrefix, Clock clock) {
        this.redis = redis;
        this.keyCommands = redis.key(String.class);
        this.keys = new RedisKeys(keyPrefix);
        this.clock = clock;
    }

    @Override
    public Uni<Consumption> consume(RateLimitKey key, RateLimitPolicy policy, long cost) {
        return check(key, policy, cost);
    }

    /** One EVALSHA of {@code ratelimit_lease.lua}. */
    @Override
    public Uni<Grant> lease(RateLimitKey key, RateLimitPolicy policy, long most) {
        if (most < 1) {
            throw new IllegalArgumentException("a lease asks for at least one unit");
        }
        return LEASE.run(redis, List.of(keys.rateLimit(key)), arguments(policy, most))
                .map(r -> new Grant(r.get(0).toLong(), states(r)))
                .onFailure().transform(RedisFailures::translate);
    }

    @Override
    public Uni<List<WindowState>> peek(RateLimitKey key, RateLimitPolicy policy) {
        return check(key, policy, 0).map(Consumption::states);
    }

    @Override
    public Uni<Void> reset(RateLimitKey key) {
        return keyCommands.del(keys.rateLimit(key)).replaceWithVoid().onFailure().transform(RedisFailures::translate);
    }

    private Uni<Consumption> check(RateLimitKey key, RateLimitPolicy policy, long cost) {
        return CHECK.run(redis, List.of(keys.rateLimit(key)), arguments(policy, cost))
                .map(r -> new Consumption(r.get(0).toLong() == 1, states(r)))
                .onFailure().transform(RedisFailures::translate);
    }

    /** Both scripts' arguments: now, units, the key's TTL, then each window's seconds and capacity. */
    private List<String> arguments(RateLimitPolicy policy, long units) {
        List<String> args = new ArrayList<>(3 + 2 * policy.limits().size());
        args.add(Long.toString(clock.millis()));
        args.add(Long.toString(units));
        // Counts outlive their window by one more: the previous window still weighs in.
        args.add(Long.toString(2 * policy.limits().get(policy.limits().size() - 1).window().millis()));
        for (Limit limit : policy.limits()) {
            args.add(Long.toString(limit.window().seconds()));
            args.add(Long.toString(policy.capacity(limit)));
        }
        return args;
    }

    /** The window states that follow a script's first reply element. */
    private static List<WindowState> states(Response r) {
        List<WindowState> states = new ArrayList<>((r.size() - 1) / 3);
        for (int i = 1; i + 2 < r.size(); i += 3) {
            states.add(new WindowState(r.get(i).toLong(), r.get(i + 1).toLong(), r.get(i + 2).toLong()));
        }
        return states;
    }
}
