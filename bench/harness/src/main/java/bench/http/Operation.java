package bench.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * One kind of request the benchmark sends: request {@code i} uses {@code uris[i % n]} and
 * {@code bodies[i % n]}, prepared up front so the generator spends nothing on building requests.
 *
 * @param redisEquivalent the raw Redis command whose redis-benchmark throughput is this operation's ceiling
 * @param target          the seed's latency target: percentile and milliseconds, or null
 */
public record Operation(String name, HttpMethod method, List<String> uris, List<Buffer> bodies, Set<Integer> expected,
        String redisEquivalent, Target target) {

    /** A latency bound from the seed: {@code p} (95 or 99) under {@code millis}. */
    public record Target(int percentile, double millis) {
    }

    static Operation of(String name, HttpMethod method, int n, IntFunction<String> uri, IntFunction<String> body,
            Set<Integer> expected, String redisEquivalent, Target target) {
        List<String> uris = new ArrayList<>(n);
        List<Buffer> bodies = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            uris.add(uri.apply(i));
            String b = body == null ? null : body.apply(i);
            bodies.add(b == null ? null : Buffer.buffer(b));
        }
        return new Operation(name, method, uris, bodies, expected, redisEquivalent, target);
    }

    /** The five operations of the benchmark on a fixture; progress only when the fixture has operations. */
    public static List<Operation> all(Fixture f) {
        String p = "/v1/projects/" + Fixture.PROJECT;
        List<Operation> all = new ArrayList<>();
        all.add(of("cache GET (hit)", HttpMethod.GET, f.readKeys().size(), i -> p + "/cache/" + f.readKeys().get(i), null,
                Set.of(200), "GET", new Target(95, 5)));
        all.add(of("cache PUT (256 B)", HttpMethod.PUT, 10_000, i -> p + "/cache/w:" + i,
                i -> "{\"value\":" + Fixture.VALUE_JSON + "}", Set.of(200, 201), "SET", new Target(95, 10)));
        all.add(of("rate-limit check", HttpMethod.POST, 10_000, i -> p + "/rate-limits/check",
                i -> "{\"policy\":\"bench\",\"scope\":\"user\",\"identifier\":\"u" + i + "\"}", Set.of(200),
                "EVALSHA", new Target(99, 2)));
        all.add(of("session validate", HttpMethod.POST, f.sessionTokens().size(), i -> "/v1/sessions/validate",
                i -> "{\"token\":\"" + f.sessionTokens().get(i) + "\"}", Set.of(200), "EVALSHA", null));
        if (!f.progressIds().isEmpty()) {
            all.add(of("progress step", HttpMethod.POST, f.progressIds().size(),
                    i -> p + "/progress/" + f.progressIds().get(i) + "/steps",
                    i -> "{\"message\":\"step\",\"increment\":1}", Set.of(200), "EVALSHA", new Target(95, 3)));
        }
        return all;
    }
}
