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
 * @param authenticated   whether requests carry the benchmark's API key
 */
public record Operation(String name, HttpMethod method, List<String> uris, List<Buffer> bodies, Set<Integer> expected,
        String redisEquivalent, Target target, boolean authenticated) {

    /** The name of the operation that measures the service's HTTP stack alone. */
    public static final String FLOOR = "HTTP floor: 401, no Redis";

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
        return new Operation(name, method, uris, bodies, expected, redisEquivalent, target, true);
    }

    /** The same requests answered with other statuses (the floor's requests sent to the null server: 204). */
    Operation expecting(String otherName, Set<Integer> statuses) {
        return new Operation(otherName, method, uris, bodies, statuses, null, null, authenticated);
    }

    /** The same requests without credentials. */
    Operation anonymous() {
        return new Operation(name, method, uris, bodies, expected, redisEquivalent, target, false);
    }

    /**
     * The benchmark's operations on a fixture: first the HTTP floor (a request the service refuses
     * with 401 before touching Redis: routing, the authentication check and a problem body, nothing
     * else), then the five operations; progress only when the fixture has operations.
     */
    public static List<Operation> all(Fixture f) {
        String p = "/v1/projects/" + Fixture.PROJECT;
        List<Operation> all = new ArrayList<>();
        all.add(of(FLOOR, HttpMethod.GET, 1, i -> p + "/cache/r:0", null, Set.of(401), null, null).anonymous());
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
