package infrastructure.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The task queue: retention, limits, and the settings of a queue that has none of its own. */
@ConfigMapping(prefix = "cache-domain.tasks")
public interface TaskConfig {

    /**
     * How long a succeeded or cancelled task keeps its status, indexes included. Default 86400 s (24 h);
     * environment {@code CACHE_DOMAIN_TASKS_STATUS_TTL}, alias {@code CACHE_TASK_STATUS_TTL} (seconds).
     */
    @WithDefault("86400")
    Duration statusTtl();

    /** How long a dead letter is kept in a queue that sets no retention of its own. Default 7 days. */
    @WithDefault("7d")
    Duration deadLetterRetention();

    /**
     * Waiting tasks (queued, scheduled, retrying) one queue of one project may hold: the default of
     * every queue, and the most a queue's own settings may allow. Default 100000.
     */
    @WithDefault("100000")
    long maxQueued();

    /** The largest payload (or result) of a task, in bytes of compact JSON. Default 262144 (256 KiB). */
    @WithDefault("262144")
    long payloadMaxBytes();

    /** The lease a claim gets when it asks for none, in a queue without its own. Default 30 s. */
    @WithDefault("30s")
    Duration defaultLease();

    /** Attempts a task gets in a queue without its own setting (1 to 100). Default 5. */
    @WithDefault("5")
    int defaultMaxAttempts();

    /** The first retry's backoff, doubling per attempt, in a queue without its own. Default 1 s. */
    @WithDefault("1s")
    Duration backoffMin();

    /** The longest retry backoff, in a queue without its own. Default 1 h. */
    @WithDefault("1h")
    Duration backoffMax();

    /** How long an idempotency key names the task it made first. Default 24 h. */
    @WithDefault("24h")
    Duration idempotencyWindow();

    /** The longest a claim may wait for work ({@code waitSeconds}); at most 20 s. Default 20 s. */
    @WithDefault("20s")
    Duration maxWait();

    /** Claims one principal may hold waiting for work on one instance. Default 32. */
    @WithDefault("32")
    int longPollsPerPrincipal();

    /** Queues that get metric series of their own (project and queue tags); the rest count as {@code _other}. Default 100. */
    @WithDefault("100")
    int meteredQueues();
}
