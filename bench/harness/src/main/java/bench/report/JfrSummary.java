package bench.report;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the service's CPU went, from a JFR recording (bench/run with {@code BENCH_JFR=1}): every
 * execution sample is charged to the layer of its innermost frame that belongs to a known layer
 * (so a {@code HashMap.get} called by OpenTelemetry counts for OpenTelemetry). Prints one line per
 * layer, largest first. Usage: {@code JfrSummary <recording.jfr>}.
 */
public final class JfrSummary {

    private static final Map<String, Pattern> LAYERS = new LinkedHashMap<>();

    static {
        layer("OpenTelemetry: spans, context, export", "io\\.opentelemetry|io\\.quarkus\\.opentelemetry");
        layer("SmallRye context propagation", "io\\.smallrye\\.context");
        layer("fault tolerance: @Timeout, @CircuitBreaker, their metrics", "io\\.smallrye\\.faulttolerance");
        layer("Micrometer metrics", "io\\.micrometer");
        layer("Jackson: JSON", "com\\.fasterxml\\.jackson");
        layer("Redis client: RESP, pool", "io\\.vertx\\.redis");
        layer("logging, MDC", "org\\.jboss\\.logmanager|org\\.jboss\\.logging");
        layer("our code: domain, application, adapters, resources", "domain\\.|application\\.|infrastructure\\.");
        layer("REST layer: RESTEasy Reactive, CDI", "org\\.jboss\\.resteasy|io\\.quarkus\\.resteasy|io\\.quarkus\\.arc|io\\.quarkus\\.vertx\\.http");
        layer("Mutiny", "io\\.smallrye\\.mutiny");
        layer("Vert.x and Netty: HTTP codec, event loop", "io\\.vertx|io\\.netty");
        layer("socket I/O", "sun\\.nio|java\\.nio");
        layer("SHA-256 of presented keys", "sun\\.security\\.provider|java\\.security\\.MessageDigest");
    }

    private JfrSummary() {
    }

    private static void layer(String name, String packages) {
        LAYERS.put(name, Pattern.compile("^(" + packages + ")"));
    }

    public static void main(String[] args) throws Exception {
        Map<String, Long> counts = new LinkedHashMap<>();
        long samples = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(Path.of(args[0]))) {
            if (!event.getEventType().getName().equals("jdk.ExecutionSample") || event.getStackTrace() == null) {
                continue;
            }
            samples++;
            counts.merge(layerOf(event.getStackTrace().getFrames()), 1L, Long::sum);
        }
        System.out.printf("%d execution samples%n", samples);
        long total = samples;
        counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> System.out.printf("%5.1f%%  %s%n", 100.0 * e.getValue() / total, e.getKey()));
    }

    private static String layerOf(List<RecordedFrame> frames) {
        for (RecordedFrame frame : frames) {
            String type = frame.getMethod().getType().getName();
            for (Map.Entry<String, Pattern> layer : LAYERS.entrySet()) {
                if (layer.getValue().matcher(type).find()) {
                    return layer.getKey();
                }
            }
        }
        return "JDK and other";
    }
}
