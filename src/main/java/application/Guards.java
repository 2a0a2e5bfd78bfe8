package application;

import java.util.List;

/**
 * The names of the guards ({@link StoreGuard}) that use cases apply with {@link Guarded}: one per
 * capability, each with the capability's budget (see {@link StoreBudget}) and its own circuit breaker (of the same
 * name), and one for bulk operations. The deployment builds them from configuration
 * (infrastructure.config); a capability's methods all share its breaker.
 */
public final class Guards {

    /** Cache reads, writes, removals, listings and statistics. */
    public static final String CACHE = "cache";
    /** Every session operation but revoking all of a user's sessions. */
    public static final String SESSIONS = "sessions";
    /** Rate limit checks (with their own, shorter bound) and policy administration. */
    public static final String RATE_LIMITS = "ratelimit";
    /** API key lookups (authentication) and administration. */
    public static final String API_KEYS = "apikeys";
    /** Progress tracking. */
    public static final String PROGRESS = "progress";
    /** The task queue: every store call of a task use case, one at a time (a long poll's wait is not a store call). */
    public static final String TASKS = "tasks";
    /**
     * Bulk operations (invalidate, clear, revoke all): the longer bulk budget and no breaker, since
     * each is many store calls and rare.
     */
    public static final String BULK = "bulk";

    /** Every circuit breaker, by name: one per capability. */
    public static final List<String> BREAKERS = List.of(CACHE, SESSIONS, RATE_LIMITS, API_KEYS, PROGRESS, TASKS);

    private Guards() {
    }
}
