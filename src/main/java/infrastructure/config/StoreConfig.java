package infrastructure.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import infrastructure.embedded.EmbeddedDatabase;
import io.quarkus.runtime.configuration.MemorySize;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/** Which store backs every port, and the settings of each store. */
@ConfigMapping(prefix = "cache-domain")
public interface StoreConfig {

    /**
     * The store for all ports: {@code embedded} (SQLite on local disk: one instance, kept across restarts
     * and crashes), {@code memory} (one instance, lost on restart) or {@code redis} (any number of
     * instances). Default {@code embedded}.
     */
    @WithDefault("embedded")
    Kind store();

    /** The embedded store's settings. */
    Embedded embedded();

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

    /**
     * With the Redis store, how many replicas must hold a write before the service acknowledges it
     * ({@code WAIT} after each write, on the same connection): {@code 0} acknowledges what the master
     * applied, which a failover may lose (Redis replicates asynchronously); {@code 1} or more answers
     * a write only once that many replicas have it, else 503. Default 0.
     */
    @WithName("redis.wait-for-replicas")
    @WithDefault("0")
    int redisWaitForReplicas();

    /** How long a write waits for {@code redis.wait-for-replicas} replicas before it is answered 503. Default 100 ms. */
    @WithName("redis.wait-timeout")
    @WithDefault("100ms")
    Duration redisWaitTimeout();

    /**
     * With the Redis store (one server, or through Sentinel), how many connections carry the service's
     * plain commands, many in flight on each, instead of a pooled connection leased per command (see
     * {@code infrastructure.redis.RedisSharedConnections}); {@code 0} leases every command its own. Not
     * used on a Redis Cluster, whose commands go through a client per master. Default 0 (off): under a burst far
     * beyond what the process serves at once, with a short store timeout, sharing has turned waits of the
     * process's own into verdicts of a stalled store (resilience.QueuedOperationsTest, once in three runs).
     */
    @WithName("redis.shared-connections")
    @WithDefault("0")
    int redisSharedConnections();

    /** With the Redis store, the near cache of hot cache entries in each instance. */
    @WithName("redis.near-cache")
    NearCache nearCache();

    /** The most cache entries the memory store keeps over all projects. Default 100000. */
    @WithName("memory.max-entries")
    @WithDefault("100000")
    int memoryMaxEntries();

    /** How often the memory store reclaims expired entries. Default 1 second. */
    @WithName("memory.sweep-interval")
    @WithDefault("1s")
    Duration memorySweepInterval();

    /** The stores a deployment can choose. */
    enum Kind {
        embedded,
        memory,
        redis
    }

    /** The embedded store: one SQLite database in WAL mode in a data directory only this process uses. */
    interface Embedded {

        /**
         * The data directory (created when missing): the database, its WAL, the lock that keeps a second
         * process out, and the generated bootstrap key's digest. Default {@code cache-domain-data}, under
         * the working directory.
         */
        @WithDefault("cache-domain-data")
        Path path();

        /**
         * {@code normal} keeps every acknowledged write through a crash of the process; {@code full}
         * through a loss of power too, at the cost of one disk flush per commit. Default {@code normal}.
         */
        @WithDefault("normal")
        EmbeddedDatabase.Durability durability();

        /** The size the database may reach; past it, writes get a 507 problem and reads keep working. Default 4G. */
        @WithName("max-size")
        @WithDefault("4G")
        MemorySize maxSize();

        /** Threads (each with its connection) that serve reads. Default 2. */
        @WithDefault("2")
        int readers();

        /** Calls that may wait for the writer, and for the readers; past it a call is refused at once (503). Default 4096. */
        @WithName("queue-size")
        @WithDefault("4096")
        int queueSize();

        /** How often expired rows are deleted (in batches) and their space given back. Default 1 second. */
        @WithName("sweep-interval")
        @WithDefault("1s")
        Duration sweepInterval();

        /**
         * The most bytes of cache entries held in process, so that a hot read needs no database call;
         * kept exact by this process's own writes, the only ones. {@code 0} holds none. Default 64M.
         */
        @WithName("hot-entries")
        @WithDefault("64M")
        MemorySize hotEntries();

        /** Backups ({@code POST /v1/admin/backups}) kept in the data directory, the newest ones; each new one removes older ones. Default 7. */
        @WithName("backups-kept")
        @WithDefault("7")
        int backupsKept();
    }

    /**
     * Recently read cache entries held in each instance in front of Redis, kept coherent by Redis's
     * own invalidation messages (RESP3 client tracking); off and emptied whenever those cannot be trusted.
     */
    interface NearCache {

        /** Whether reads are answered from the near cache at all. Default {@code false}. */
        @WithDefault("false")
        boolean enabled();

        /** The only projects whose entries are held; empty (the default) for every project. */
        Optional<Set<String>> projects();

        /** Projects whose entries are never held, even when {@link #projects()} names them. Default none. */
        @WithName("excluded-projects")
        Optional<Set<String>> excludedProjects();

        /** The most entries held. Default 100000. */
        @WithName("max-entries")
        @WithDefault("100000")
        long maxEntries();

        /** The most bytes of entries held (keys and values as Java strings, plus 200 bytes each). Default 64M. */
        @WithName("max-bytes")
        @WithDefault("64M")
        MemorySize maxBytes();

        /**
         * The longest an entry is held after it was read; its expiry comes first when sooner. It also
         * bounds how late other instances' reads show in the hits a read through the near cache returns.
         * Default 1 minute.
         */
        @WithName("max-lifetime")
        @WithDefault("1m")
        Duration maxLifetime();

        /**
         * How often each tracking connection asks Redis whether it still tracks it ({@code CLIENT TRACKINGINFO}),
         * and a lost one is made again. Default 1 second.
         */
        @WithName("ping-interval")
        @WithDefault("1s")
        Duration pingInterval();

        /**
         * The longest Redis may take to confirm it still tracks a connection (or a step of making one)
         * before tracking counts as lost and the near cache is emptied. Default 500 milliseconds.
         */
        @WithName("ping-timeout")
        @WithDefault("500ms")
        Duration pingTimeout();
    }
}
