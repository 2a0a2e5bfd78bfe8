package domain.store;

import java.util.Optional;

/**
 * What the store drops when its memory is full, and whether that could drop data that must never
 * be evicted. The service gives every cache entry a TTL and reclaims memory by expiry; sessions,
 * rate limit counters and the cache's own indexes also carry TTLs but must live until they expire,
 * and API keys and stored rate limit policies carry none.
 *
 * <p>Rule: only a policy that never evicts ({@code noeviction}) keeps all of them; a {@code volatile-*}
 * policy may evict anything with a TTL, an {@code allkeys-*} policy anything at all. The embedded
 * store evicts only cache entries, never sessions or keys.
 *
 * @param name the store's name for the policy, e.g. {@code noeviction} or {@code allkeys-lru}
 */
public record EvictionPolicy(String name) {

    /** The embedded store's policy: cache entries nearest to expiry go first when it is full. */
    public static final EvictionPolicy EMBEDDED = new EvictionPolicy("cache-entries-nearest-expiry");
    /** Redis's policy that never evicts: writes fail when memory is full. */
    public static final EvictionPolicy NO_EVICTION = new EvictionPolicy("noeviction");
    /** A store that did not tell its policy (INFO refused, say). */
    public static final EvictionPolicy UNKNOWN = new EvictionPolicy("unknown");

    public EvictionPolicy {
        if (name == null || name.isBlank()) {
            throw new domain.InvalidValueException("an eviction policy has a name");
        }
    }

    /** True when nothing the service must keep can be evicted. */
    public boolean isSafe() {
        return equals(NO_EVICTION) || equals(EMBEDDED);
    }

    /** Why this policy endangers data, for the operator; empty when it does not. */
    public Optional<String> warning() {
        if (isSafe()) {
            return Optional.empty();
        }
        if (equals(UNKNOWN)) {
            return Optional.of("the store did not tell its maxmemory-policy; make sure it is noeviction");
        }
        if (name.startsWith("volatile-")) {
            return Optional.of("maxmemory-policy " + name + " may evict keys with a TTL when memory is full: sessions "
                    + "(users logged out), rate limit counters (limits reset) and cache indexes; use noeviction");
        }
        return Optional.of("maxmemory-policy " + name + " may evict any key when memory is full: API keys, sessions, "
                + "rate limit policies and counters, and cache indexes; use noeviction");
    }
}
