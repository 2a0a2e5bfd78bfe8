package bench.values;

import bench.Args;
import bench.http.Api;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import domain.cache.CacheKey;
import domain.project.ProjectId;
import infrastructure.memory.InMemoryProjectKeysets;
import infrastructure.values.LocalKeyEncryptionKey;
import infrastructure.values.ProjectKeyrings;
import infrastructure.values.ValueCodec;
import infrastructure.values.ValueContext;
import domain.encryption.ValueFormat;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Part 9's measure of the service's own codec chain alone, in process: {@link ValueCodec} encoding
 * and decoding the HTTP measurement's documents (same seed, same order) in each of its four formats,
 * on one thread, in microseconds per value: the median of passes that take turns between the
 * formats. What the codec adds to a request, without the noise of HTTP, Redis and neighbours that
 * the service's CPU per request carries on a shared machine. The keysets are the in-memory
 * adapter's, so no store round trip is counted (the service too holds its keysets in memory,
 * reading them again every ten seconds).
 *
 * <p>Options: {@code --passes} over each size's documents (40), {@code --out}.
 */
public final class CodecCost {

    /** The HTTP measurement's seed ({@code bench.http.ValuesComparison}): drawn in its order, these are its documents. */
    private static final long SEED = 20261206L;

    private CodecCost() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        int passes = args.integer("passes", 40);
        Map<String, ValueFormat> formats = new LinkedHashMap<>();
        formats.put("plain", new ValueFormat(false, 3, 1024, false));
        formats.put("compressed", new ValueFormat(true, 3, 1024, false));
        formats.put("encrypted", new ValueFormat(false, 3, 1024, true));
        formats.put("compressed and encrypted", new ValueFormat(true, 3, 1024, true));
        Map<String, String> projectNames = new LinkedHashMap<>();
        formats.keySet().forEach(name -> projectNames.put(name.replace(' ', '-'), name));
        byte[] kek = new byte[32];
        new SecureRandom().nextBytes(kek);
        ValueCodec codec = new ValueCodec(p -> formats.get(projectNames.get(p.value())), new ProjectKeyrings(new InMemoryProjectKeysets(),
                Optional.of(LocalKeyEncryptionKey.fromBase64(Base64.getEncoder().encodeToString(kek))), Duration.ofSeconds(10),
                System::nanoTime, java.time.Clock.systemUTC(), application.RequestContexts.NONE), 1 << 24, new SimpleMeterRegistry());

        Documents source = new Documents(SEED);
        Map<String, List<String>> documents = new LinkedHashMap<>();
        documents.put("1 KB", source.next(200, 1024));
        documents.put("100 KB", source.next(32, 100 * 1024));

        // Once through everything first: the round trip checked, the JIT and the keysets made.
        for (List<String> docs : documents.values()) {
            for (String project : projectNames.keySet()) {
                for (int i = 0; i < docs.size(); i++) {
                    ValueContext context = context(project, i);
                    byte[] stored = codec.encode(context, docs.get(i)).await().indefinitely();
                    if (!docs.get(i).equals(codec.decode(context, stored).await().indefinitely().orElse(null))) {
                        throw new IllegalStateException(project + ": a value did not come back as it was");
                    }
                }
            }
        }

        ObjectNode out = Api.JSON.createObjectNode();
        out.put("passes", passes);
        ArrayNode rows = out.putArray("rows");
        for (var entry : documents.entrySet()) {
            List<String> docs = entry.getValue();
            Map<String, List<Double>> encode = new LinkedHashMap<>();
            Map<String, List<Double>> decode = new LinkedHashMap<>();
            Map<String, Long> storedBytes = new LinkedHashMap<>();
            projectNames.keySet().forEach(project -> {
                encode.put(project, new ArrayList<>());
                decode.put(project, new ArrayList<>());
            });
            // Pass after pass, each through every format in turn: a neighbour's burst slows them all alike.
            for (int p = 0; p < passes; p++) {
                for (String project : projectNames.keySet()) {
                    byte[][] stored = new byte[docs.size()][];
                    long start = System.nanoTime();
                    for (int i = 0; i < docs.size(); i++) {
                        stored[i] = codec.encode(context(project, i), docs.get(i)).await().indefinitely();
                    }
                    encode.get(project).add((System.nanoTime() - start) / 1e3 / docs.size());
                    start = System.nanoTime();
                    for (int i = 0; i < docs.size(); i++) {
                        codec.decode(context(project, i), stored[i]).await().indefinitely();
                    }
                    decode.get(project).add((System.nanoTime() - start) / 1e3 / docs.size());
                    storedBytes.put(project, Arrays.stream(stored).mapToLong(b -> b.length).sum());
                }
            }
            for (var project : projectNames.entrySet()) {
                double encodeMicros = median(encode.get(project.getKey()));
                double decodeMicros = median(decode.get(project.getKey()));
                double meanStored = (double) storedBytes.get(project.getKey()) / docs.size();
                rows.addObject().put("size", entry.getKey()).put("variant", project.getValue()).put("encodeMicros", encodeMicros)
                        .put("decodeMicros", decodeMicros).put("meanStoredBytes", meanStored);
                System.out.printf("%s, %s: encode %.1f µs, decode %.1f µs, %.0f bytes stored%n", entry.getKey(), project.getValue(),
                        encodeMicros, decodeMicros, meanStored);
            }
        }
        Files.writeString(Path.of(args.get("out")), Api.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(out));
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static ValueContext context(String project, int i) {
        return ValueContext.cacheEntry(ProjectId.of(project), CacheKey.of("g:" + i));
    }
}