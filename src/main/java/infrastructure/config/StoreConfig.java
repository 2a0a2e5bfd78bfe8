package infrastructure.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;

/** Which store backs every port, and the settings of each store. */
@ConfigMapping(prefix = "cache-domain")
public interface StoreConfig {

    /** The store for all ports: {@code memory} (embedded, one instance) or {@code redis}. Default {@code memory}. */
    @WithDefault("memory")
    Kind store();

    /** The prefix of every Redis key the service writes. Default {@code cd}. */
    @WithName("redis.key-prefix")
    @WithDefault("cd")
    String redisKeyPrefix();

    /**
     * With the Redis store, how long the start-up warm-up may hold the start at most: it opens the
     * pool's connections, loads the Lua scripts and runs the rate limit check's code until it is warm,
     * so that the first requests meet no cold client. {@code 0} turns it off. Default 2 seconds.
     */
    @WithName("redis.warm-up")
    @WithDefault("2s")
    Duration redisWarmUp();

    /** The most cache entries the embedded store keeps over all projects. Default 100000. */
    @WithName("memory.max-entries")
    @WithDefault("100000")
    int memoryMaxEntries();

    /** How often the embedded store reclaims expired entries. Default 1 second. */
    @WithName("memory.sweep-interval")
    @WithDefault("1s")
    Duration memorySweepInterval();

    /** The stores a deployment can choose. */
    enum Kind {
        memory,
        redis
    }
}
