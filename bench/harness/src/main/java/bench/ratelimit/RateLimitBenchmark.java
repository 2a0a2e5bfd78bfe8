package bench.ratelimit;

import domain.project.ProjectId;
import domain.ratelimit.FailMode;
import domain.ratelimit.Identifier;
import domain.ratelimit.IdentifierScope;
import domain.ratelimit.Limit;
import domain.ratelimit.PolicyName;
import domain.ratelimit.RateLimitDecision;
import domain.ratelimit.RateLimitKey;
import domain.ratelimit.RateLimitPolicy;
import domain.ratelimit.RateLimiter;
import domain.ratelimit.Window;
import infrastructure.redis.RedisRateLimitRepository;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.lettuce.cas.LettuceBasedProxyManager;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.quarkus.redis.runtime.datasource.ReactiveRedisDataSourceImpl;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One rate limit check, counted in Redis, by our adapter ({@link RedisRateLimitRepository} and
 * {@link RateLimiter}) and by Bucket4j's Lettuce proxy manager, on the same Redis: one hot key that
 * every thread checks, and 100,000 keys picked at random.
 *
 * <p>Both limit by two windows that never deny (10^9 per minute and per hour), so every check is
 * the full check-and-count path: ours a sliding window counter decided in one script round trip,
 * Bucket4j a token bucket kept by compare-and-swap (read the state, then a conditional write, again
 * on a conflict). Each benchmark thread waits for its answer: our reactive adapter is awaited on
 * the benchmark thread (never on an event loop), Bucket4j is used through its blocking API. Our
 * client keeps a pool of connections (as the service does: 32), Lettuce multiplexes one.
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.Throughput, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.SECONDS)
public class RateLimitBenchmark {

    /** Identifiers of the many-keys case. */
    static final int KEYS = 100_000;
    static final long NEVER = Limit.MAX_REQUESTS;

    /** The Redis both libraries use, e.g. {@code redis://127.0.0.1:6390}; set with {@code -p redisUrl=…}. */
    @Param("redis://127.0.0.1:6379")
    public String redisUrl;

    private Vertx vertx;
    private RedisRateLimitRepository ours;
    private RateLimitPolicy policy;
    private RateLimitKey oursHot;
    private RateLimitKey[] oursKeys;

    private RedisClient lettuce;
    private StatefulRedisConnection<String, byte[]> connection;
    private ProxyManager<String> bucket4j;
    private BucketConfiguration configuration;
    private String[] bucketKeys;

    @Setup(Level.Trial)
    public void connect() {
        vertx = Vertx.vertx();
        Redis client = Redis.createClient(vertx, new RedisOptions().setConnectionString(redisUrl)
                .setMaxPoolSize(32).setMaxPoolWaiting(1024).setMaxWaitingHandlers(4096));
        ours = new RedisRateLimitRepository(new ReactiveRedisDataSourceImpl(vertx, client, RedisAPI.api(client)), "jmh",
                Clock.systemUTC());
        policy = new RateLimitPolicy(PolicyName.of("jmh"),
                List.of(Limit.of(NEVER, Window.minute()), Limit.of(NEVER, Window.hour())), 0, FailMode.OPEN);
        ProjectId project = ProjectId.of("jmh");
        oursHot = RateLimitKey.inProject(project, policy.name(), Identifier.of(IdentifierScope.USER, "hot"));
        oursKeys = new RateLimitKey[KEYS];
        for (int i = 0; i < KEYS; i++) {
            oursKeys[i] = RateLimitKey.inProject(project, policy.name(), Identifier.of(IdentifierScope.USER, "u" + i));
        }

        lettuce = RedisClient.create(redisUrl);
        connection = lettuce.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
        bucket4j = LettuceBasedProxyManager.builderFor(connection)
                .withExpirationStrategy(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofHours(2)))
                .build();
        configuration = BucketConfiguration.builder()
                .addLimit(limit -> limit.capacity(NEVER).refillGreedy(NEVER, Duration.ofMinutes(1)))
                .addLimit(limit -> limit.capacity(NEVER).refillGreedy(NEVER, Duration.ofHours(1)))
                .build();
        bucketKeys = new String[KEYS];
        for (int i = 0; i < KEYS; i++) {
            bucketKeys[i] = "jmh:b4j:u" + i;
        }
        // One call each before the threads start: Mutiny's context propagation initialises itself
        // lazily and fails when 16 threads race to do it first.
        oursHotKey();
        bucket4jHotKey();
    }

    @TearDown(Level.Trial)
    public void close() {
        connection.close();
        lettuce.shutdown();
        vertx.closeAndAwait();
    }

    @Benchmark
    public RateLimitDecision oursHotKey() {
        return check(oursHot);
    }

    @Benchmark
    public RateLimitDecision oursManyKeys() {
        return check(oursKeys[ThreadLocalRandom.current().nextInt(KEYS)]);
    }

    @Benchmark
    public boolean bucket4jHotKey() {
        return consumed(bucket4j.builder().build("jmh:b4j:hot", () -> configuration).tryConsume(1));
    }

    @Benchmark
    public boolean bucket4jManyKeys() {
        return consumed(bucket4j.builder().build(bucketKeys[ThreadLocalRandom.current().nextInt(KEYS)], () -> configuration)
                .tryConsume(1));
    }

    private static boolean consumed(boolean consumed) {
        if (!consumed) {
            throw new IllegalStateException("a bucket of 10^9 per minute refused a token");
        }
        return true;
    }

    private RateLimitDecision check(RateLimitKey key) {
        RateLimitDecision decision = ours.consume(key, policy, 1)
                .map(consumption -> RateLimiter.decide(policy, 1, consumption))
                .await().indefinitely();
        if (!(decision instanceof RateLimitDecision.Allowed)) {
            throw new IllegalStateException("a policy of 10^9 per minute denied a check: " + decision);
        }
        return decision;
    }
}
