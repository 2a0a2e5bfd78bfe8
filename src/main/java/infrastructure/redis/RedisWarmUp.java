package infrastructure.redis;

import infrastructure.config.RedisDataSources;
import io.smallrye.common.annotation.Identifier;
import domain.ratelimit.FailMode;
import domain.ratelimit.Limit;
import domain.ratelimit.PolicyName;
import domain.ratelimit.RateLimitKey;
import domain.ratelimit.RateLimitPolicies;
import domain.ratelimit.RateLimitPolicy;
import domain.ratelimit.RateLimitRepository;
import domain.ratelimit.RateLimiter;
import domain.ratelimit.Window;
import infrastructure.config.StoreConfig;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.mutiny.redis.client.Command;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.spi.ObserverMethod;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Warms the Redis store before the service takes traffic: opens every connection of the pool, loads
 * every Lua script, and runs the rate limit check's path (adapter, script, decision; not the budget) a
 * thousand times, so that the first real requests meet neither a cold client nor cold code.
 *
 * <p>Bounded by {@code cache-domain.redis.warm-up} (2 s): the start waits at most that long, on the
 * start-up thread, never on an event loop; whatever has not finished by then goes on in the
 * background. A warm-up that fails (Redis down at start) is logged and changes nothing else. The
 * check runs against an identifier no principal can have ({@code ~warm-up}: key names allow no
 * {@code ~}) and counts nothing (a peek).
 */
@ApplicationScoped
public class RedisWarmUp {

    private static final Logger LOG = Logger.getLogger(RedisWarmUp.class);
    /** Checks run: past the compile thresholds of the JIT's first tiers for the code a check runs. */
    static final int CHECKS = 1_000;
    /** Checks in flight at once: as many as a burst of clients would make. */
    static final int CONCURRENCY = 32;
    private static final RateLimitKey KEY = RateLimitKey.forApi("~warm-up");
    private static final RateLimitPolicy POLICY = new RateLimitPolicy(PolicyName.of("warm-up"),
            List.of(Limit.of(1, Window.minute()), Limit.of(1, Window.day())), 0, FailMode.OPEN);

    private final StoreConfig store;
    private final Instance<ReactiveRedisDataSource> redis;
    private final Instance<RateLimitRepository> counters;
    private final Instance<RateLimitPolicies> policies;
    private final int poolSize;

    public RedisWarmUp(StoreConfig store, @Identifier(RedisDataSources.STORE) Instance<ReactiveRedisDataSource> redis, Instance<RateLimitRepository> counters,
            Instance<RateLimitPolicies> policies,
            @ConfigProperty(name = "quarkus.redis.max-pool-size", defaultValue = "6") int poolSize) {
        this.store = store;
        this.redis = redis;
        this.counters = counters;
        this.policies = policies;
        this.poolSize = poolSize;
    }

    /** After the default priority: every adapter (and so every script) exists by then. */
    void atStart(@Observes @Priority(ObserverMethod.DEFAULT_PRIORITY + 100) StartupEvent start) {
        Duration bound = store.redisWarmUp();
        if (store.store() != StoreConfig.Kind.redis || bound.isZero() || bound.isNegative()) {
            return;
        }
        long began = System.nanoTime();
        CountDownLatch done = new CountDownLatch(1);
        warmUp(redis.get()).onTermination().invoke(done::countDown).subscribe().with(
                warm -> LOG.debugf("redis warm-up done in %d ms", (System.nanoTime() - began) / 1_000_000),
                failure -> LOG.warnf("redis warm-up failed, the first requests may be slower: %s", failure.getMessage()));
        if (Context.isOnEventLoopThread()) {
            return;
        }
        try {
            if (!done.await(bound.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.infof("redis warm-up goes on in the background after %d ms", bound.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Uni<Void> warmUp(ReactiveRedisDataSource redis) {
        return connections(redis).chain(() -> scripts(redis)).chain(this::checks);
    }

    /**
     * As many PINGs at once as the pool holds connections: the pool opens them all (sent at once, they find no shared
     * connection made yet, so each takes a pooled one; the first ones ask for the shared connections).
     */
    private Uni<Void> connections(ReactiveRedisDataSource redis) {
        List<Uni<Void>> pings = IntStream.range(0, Math.max(1, poolSize))
                .mapToObj(i -> redis.execute(Command.PING).replaceWithVoid()).toList();
        return Uni.join().all(pings).andFailFast().replaceWithVoid();
    }

    private Uni<Void> scripts(ReactiveRedisDataSource redis) {
        List<Uni<Void>> loads = LuaScript.loaded().stream().map(script -> script.preload(redis)).toList();
        return loads.isEmpty() ? Uni.createFrom().voidItem() : Uni.join().all(loads).andFailFast().replaceWithVoid();
    }

    /** The check's path, {@link #CHECKS} times, {@link #CONCURRENCY} at a time; a peek, so nothing is counted. */
    private Uni<Void> checks() {
        RateLimitRepository repository = counters.get();
        RateLimitPolicies known = policies.get();
        return Multi.createFrom().range(0, CHECKS)
                // Not under the budget: a warm-up call that ran late on a cold JIT must never pass a verdict
                // on the store (a stall would make the first real checks fail fast).
                .onItem().transformToUni(i -> known.find(POLICY.name())
                        .chain(() -> repository.peek(KEY, POLICY))
                        .map(states -> RateLimiter.status(POLICY, states))
                        // One failed check (Redis slow to start) must not end the warm-up of the others.
                        .onFailure().recoverWithNull())
                .merge(CONCURRENCY)
                .collect().last()
                .replaceWithVoid();
    }
}
