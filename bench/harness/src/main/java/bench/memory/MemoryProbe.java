package bench.memory;

import bench.Args;
import bench.http.Api;
import bench.http.Fixture;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Part 5 of the benchmark: bytes in Redis per cache entry of 256 bytes, per session and per rate
 * limit identifier, written through the service into a project of their own. Two figures each:
 * {@code MEMORY USAGE … SAMPLES 0} (exact) of the one key that holds the object, and the growth
 * of {@code used_memory} over {@code --count} objects divided by that count, which also counts
 * what indexes and per-project keys hold for each object.
 */
public final class MemoryProbe {

    private MemoryProbe() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        Api api = new Api(args.get("base"));
        String admin = args.get("admin-key");
        int count = args.integer("count", 2000);
        String prefix = args.get("prefix", "cd");
        String project = "mem";
        String key = Fixture.createKey(api, admin, "mem", project);
        api.sendPatiently("PUT", "/v1/rate-limit-policies/mem3", admin, Map.of("limits", List.of(
                        Map.of("requests", 10, "windowSeconds", 60), Map.of("requests", 100, "windowSeconds", 3600),
                        Map.of("requests", 1000, "windowSeconds", 86400)), "burst", 0, "failMode", "open"))
                .expectOk("saving the policy mem3");

        RedisClient client = RedisClient.create(args.get("redis"));
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            RedisCommands<String, String> redis = connection.sync();
            ObjectNode out = Api.JSON.createObjectNode();
            out.put("count", count);

            long before = usedMemory(redis);
            for (int i = 0; i < count; i++) {
                api.sendPatiently("PUT", "/v1/projects/" + project + "/cache/m:" + i, key, "{\"value\":" + Fixture.VALUE_JSON + "}")
                        .expectOk("writing a cache entry");
            }
            long after = usedMemory(redis);
            String entry = prefix + ":c:{p:" + project + "}:m:42";
            out.put("cacheEntryKey", entry).put("cacheEntryMemoryUsage", memoryUsage(redis, entry))
                    .put("cacheEntryMarginal", (double) (after - before) / count);

            before = usedMemory(redis);
            String sessionKey = null;
            for (int i = 0; i < count; i++) {
                JsonNode opened = api.send("POST", "/v1/sessions", key, Map.of("userId", "mem-user-" + i,
                        "userData", Map.of("name", "Ada"), "projectAccess", List.of(project))).expectOk("opening a session").body();
                if (i == 42) {
                    String id = opened.get("sessionId").asText();
                    sessionKey = prefix + ":{u:" + id.substring(0, 16) + "}:s:" + id;
                }
            }
            after = usedMemory(redis);
            out.put("sessionKey", sessionKey).put("sessionMemoryUsage", memoryUsage(redis, sessionKey))
                    .put("sessionMarginal", (double) (after - before) / count);

            before = usedMemory(redis);
            for (int i = 0; i < count; i++) {
                api.send("POST", "/v1/projects/" + project + "/rate-limits/check", key,
                        Map.of("policy", "mem3", "scope", "user", "identifier", String.format("user-%06d", i)))
                        .expectOk("checking a rate limit");
            }
            after = usedMemory(redis);
            String counters = prefix + ":{p:" + project + "}:rl:mem3:user:user-000042";
            out.put("rateLimitKey", counters).put("rateLimitMemoryUsage", memoryUsage(redis, counters))
                    .put("rateLimitMarginal", (double) (after - before) / count);

            Files.writeString(Path.of(args.get("out")), Api.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(out));
            System.out.println(out.toPrettyString());
        } finally {
            client.shutdown();
        }
    }

    private static long usedMemory(RedisCommands<String, String> redis) {
        for (String line : redis.info("memory").split("\r?\n")) {
            if (line.startsWith("used_memory:")) {
                return Long.parseLong(line.substring("used_memory:".length()).trim());
            }
        }
        throw new IllegalStateException("INFO memory has no used_memory");
    }

    /** {@code MEMORY USAGE key SAMPLES 0}: exact; the default samples five fields of a hash and guesses the rest. */
    public static long memoryUsage(RedisCommands<String, String> redis, String key) {
        Long bytes = redis.dispatch(CommandType.MEMORY, new IntegerOutput<>(StringCodec.UTF8),
                new CommandArgs<>(StringCodec.UTF8).add("USAGE").addKey(key).add("SAMPLES").add(0));
        if (bytes == null) {
            throw new IllegalStateException("no key " + key + " in Redis: has the key layout changed?");
        }
        return bytes;
    }
}
