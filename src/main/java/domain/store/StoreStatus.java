package domain.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * How the store is doing, as one probe saw it.
 *
 * @param store          {@code redis} or {@code memory}
 * @param version        the server's version, when it tells
 * @param latency        the round trip of one PING (zero for the embedded store)
 * @param usedBytes      memory in use
 * @param maxBytes       the memory limit; zero when there is none
 * @param eviction       what the store drops when full
 * @param slowCommands   the most recent commands the store logged as slow, newest first
 * @param slowlogLength  how many slow commands the store currently keeps in its log
 * @param security       how the connection to the store stands (Redis); empty for a store in process
 */
public record StoreStatus(String store, Optional<String> version, Duration latency, long usedBytes, long maxBytes,
        EvictionPolicy eviction, List<SlowCommand> slowCommands, long slowlogLength, Optional<StoreSecurity> security) {

    /** A store with nothing to say about security (an embedded one: no network, no password). */
    public StoreStatus(String store, Optional<String> version, Duration latency, long usedBytes, long maxBytes,
            EvictionPolicy eviction, List<SlowCommand> slowCommands, long slowlogLength) {
        this(store, version, latency, usedBytes, maxBytes, eviction, slowCommands, slowlogLength, Optional.empty());
    }

    /** Above this share of the limit, memory is reported as a warning. */
    public static final double MEMORY_WARNING_PERCENT = 90.0;

    public StoreStatus {
        slowCommands = List.copyOf(slowCommands);
    }

    /** Memory in use as a percentage of the limit; empty when there is no limit. */
    public OptionalDouble usedPercent() {
        return maxBytes > 0 ? OptionalDouble.of(100.0 * usedBytes / maxBytes) : OptionalDouble.empty();
    }

    /** What the operator should act on: an eviction policy that endangers data, memory nearly full. */
    public List<String> warnings() {
        List<String> warnings = new ArrayList<>();
        eviction.warning().ifPresent(warnings::add);
        usedPercent().ifPresent(percent -> {
            if (percent >= MEMORY_WARNING_PERCENT) {
                warnings.add(String.format(Locale.ROOT,
                        "memory %.1f%% used: writes will fail (noeviction) or data will be evicted when it is full", percent));
            }
        });
        return List.copyOf(warnings);
    }

    /**
     * One status for a store made of several nodes (the masters of a Redis Cluster), each probed on its
     * own, that hides no node's trouble: the slowest node's latency; the memory of the node nearest its
     * limit (a full one refuses the writes of its own slots whatever the others hold), else the sum; an
     * eviction policy that endangers data if any node has one; every node's slow commands, newest first,
     * at most {@code slowCommands}; every security warning of any node, once.
     *
     * @param nodes at least one
     */
    public static StoreStatus across(List<StoreStatus> nodes, int slowCommands) {
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("a status across nodes needs at least one node");
        }
        if (nodes.size() == 1) {
            return nodes.get(0);
        }
        StoreStatus first = nodes.get(0);
        Duration latency = nodes.stream().map(StoreStatus::latency).max(Duration::compareTo).orElseThrow();
        StoreStatus fullest = nodes.stream().filter(node -> node.usedPercent().isPresent())
                .max(java.util.Comparator.comparingDouble(node -> node.usedPercent().getAsDouble())).orElse(null);
        long used = fullest != null ? fullest.usedBytes() : nodes.stream().mapToLong(StoreStatus::usedBytes).sum();
        long max = fullest != null ? fullest.maxBytes() : 0;
        // The policy that endangers most: any key (allkeys-*) before keys with a TTL (volatile-*) before an unknown one.
        EvictionPolicy eviction = nodes.stream().map(StoreStatus::eviction).filter(policy -> policy.warning().isPresent())
                .min(java.util.Comparator.comparingInt(policy -> policy.equals(EvictionPolicy.UNKNOWN) ? 2
                        : policy.name().startsWith("volatile-") ? 1 : 0))
                .orElse(first.eviction());
        List<SlowCommand> slow = nodes.stream().flatMap(node -> node.slowCommands().stream())
                .sorted(java.util.Comparator.comparing(SlowCommand::at).reversed()).limit(slowCommands).toList();
        long slowlog = nodes.stream().mapToLong(StoreStatus::slowlogLength).sum();
        Optional<StoreSecurity> security = first.security().map(own -> {
            List<String> warnings = nodes.stream().flatMap(node -> node.security().stream())
                    .flatMap(node -> node.warnings().stream()).distinct().toList();
            List<Optional<Boolean>> modes = nodes.stream().map(node -> node.security().flatMap(StoreSecurity::protectedMode)).toList();
            Optional<Boolean> protectedMode = modes.stream().anyMatch(mode -> mode.isPresent() && !mode.get()) ? Optional.of(false)
                    : modes.stream().allMatch(Optional::isPresent) ? Optional.of(true) : Optional.empty();
            return new StoreSecurity(own.tls(), own.auth(), own.user(), protectedMode, warnings);
        });
        return new StoreStatus(first.store(), first.version(), latency, used, max, eviction, slow, slowlog, security);
    }
}
