package bench.sse;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The service's own view of SSE delivery during a run: the growth of its histogram
 * {@code progress_delivery_seconds} (from an event's time to its frame handed to a connection)
 * between two scrapes. Set beside what the subscribers measured, it tells the service's part of a
 * delay from the part of the harness's own event loop, which reads a thousand connections in turn.
 *
 * @param buckets events counted per bucket bound in seconds, cumulative as Prometheus gives them
 */
record ServerLag(TreeMap<Double, Double> buckets) {

    private static final Pattern BUCKET =
            Pattern.compile("(?m)^progress_delivery_seconds_bucket\\{[^}]*le=\"([^\"]+)\"[^}]*}\\s+(\\S+)$");

    /** The histogram's growth from {@code before} to {@code after}; empty when the service has no such histogram. */
    static Optional<ServerLag> between(String before, String after) {
        Map<Double, Double> start = buckets(before);
        TreeMap<Double, Double> end = buckets(after);
        if (end.isEmpty()) {
            return Optional.empty();
        }
        TreeMap<Double, Double> grown = new TreeMap<>();
        end.forEach((bound, count) -> grown.put(bound, count - start.getOrDefault(bound, 0.0)));
        return Optional.of(new ServerLag(grown));
    }

    private static TreeMap<Double, Double> buckets(String metrics) {
        TreeMap<Double, Double> buckets = new TreeMap<>();
        Matcher m = BUCKET.matcher(metrics);
        while (m.find()) {
            double bound = m.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(m.group(1));
            buckets.merge(bound, Double.parseDouble(m.group(2)), Double::sum);
        }
        return buckets;
    }

    long count() {
        return buckets.isEmpty() ? 0 : Math.round(buckets.lastEntry().getValue());
    }

    /** The bound of the first bucket holding the quantile {@code q}, in ms: the quantile is at most that. */
    double atMostMs(double q) {
        double wanted = q * count();
        for (Map.Entry<Double, Double> bucket : buckets.entrySet()) {
            if (bucket.getValue() >= wanted) {
                return bucket.getKey() * 1000;
            }
        }
        return Double.POSITIVE_INFINITY;
    }
}
