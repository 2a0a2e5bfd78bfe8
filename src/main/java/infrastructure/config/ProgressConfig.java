package infrastructure.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Progress tracking: how long operations and their history are kept, and their limits. */
@ConfigMapping(prefix = "cache-domain.progress")
public interface ProgressConfig {

    /** How long an operation lives after its last update (or completion). Default 1800 s; alias {@code CACHE_PROGRESS_TTL}. */
    @WithDefault("1800")
    Duration ttl();

    /** Events kept per operation; older ones are dropped (a resuming client is told of the gap). Default 1000. */
    @WithDefault("1000")
    int maxRetainedEvents();

    /** A running operation with no update for this long counts as stalled. Default 5 minutes. */
    @WithDefault("5m")
    Duration stallAfter();

    /** The largest totalSteps an operation may declare. Default 1000000. */
    @WithDefault("1000000")
    long maxTotalSteps();

    /** The longest message of a step, completion or failure, in characters. Default 1024. */
    @WithDefault("1024")
    int maxMessageLength();

    /** How often an open event stream gets a heartbeat comment, and catches up and checks for a stall. Default 15 s. */
    @WithDefault("15s")
    Duration heartbeat();

    /** The {@code retry:} hint: how long a browser waits before reconnecting a lost stream. Default 3 s. */
    @WithDefault("3s")
    Duration reconnectDelay();

    /** Open event streams one principal (API key, session or ticket) may hold on one instance. Default 16. */
    @WithDefault("16")
    int maxStreamsPerPrincipal();

    /**
     * How long a new stream ticket waits for its first use. Once used it re-opens its one stream, to
     * resume it, for {@link #ttl()} after its latest use. Default 30 s.
     */
    @WithDefault("30s")
    Duration ticketTtl();
}
