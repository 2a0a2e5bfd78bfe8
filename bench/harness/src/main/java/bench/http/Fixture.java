package bench.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the HTTP benchmark works on, made through the service's own API: a project key with every
 * scope it needs, a rate limit policy that never denies, cache entries to read, open sessions and
 * running progress operations.
 */
public record Fixture(String key, List<String> readKeys, List<String> sessionTokens, List<String> progressIds) {

    public static final String PROJECT = "bench";
    /** 254 characters in quotes: the value's JSON text is 256 bytes, as redis-benchmark's SET -d 256. */
    public static final String VALUE_JSON = "\"" + "x".repeat(254) + "\"";

    /** Makes it all with the administrator key; progress ids stay empty when the service has no progress API yet. */
    public static Fixture create(Api api, String adminKey, int entries, int sessions, int operations) {
        String key = createKey(api, adminKey, "bench", PROJECT);
        api.sendPatiently("PUT", "/v1/rate-limit-policies/bench", adminKey, Map.of(
                "limits", List.of(Map.of("requests", 1_000_000_000L, "windowSeconds", 60),
                        Map.of("requests", 1_000_000_000L, "windowSeconds", 3600)),
                "burst", 0, "failMode", "open")).expectOk("saving the policy bench");
        List<String> readKeys = new ArrayList<>();
        for (int i = 0; i < entries; i++) {
            String name = "r:" + i;
            api.sendPatiently("PUT", "/v1/projects/" + PROJECT + "/cache/" + name, key, "{\"value\":" + VALUE_JSON + "}")
                    .expectOk("writing " + name);
            readKeys.add(name);
        }
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < sessions; i++) {
            JsonNode opened = api.sendPatiently("POST", "/v1/sessions", key,
                    Map.of("userId", "user-" + i, "projectAccess", List.of(PROJECT))).expectOk("opening a session").body();
            tokens.add(opened.get("token").asText());
        }
        List<String> progress = new ArrayList<>();
        for (int i = 0; i < operations; i++) {
            Api.Answer started = api.sendPatiently("POST", "/v1/projects/" + PROJECT + "/progress", key,
                    Map.of("totalSteps", 1_000_000, "message", "benchmark operation " + i));
            if (!started.ok()) {
                System.err.println("progress API not available (" + started.status() + "): progress steps are skipped");
                break;
            }
            progress.add(started.body().get("id").asText());
        }
        return new Fixture(key, readKeys, tokens, progress);
    }

    /**
     * A key named {@code name} for {@code project} with every scope the benchmarks use; the secret.
     * After a 503 it tries again under another name: the first attempt may have been stored.
     */
    public static String createKey(Api api, String adminKey, String name, String project) {
        return createKey(api, adminKey, name, List.of(project));
    }

    /** The same for several projects. */
    public static String createKey(Api api, String adminKey, String name, List<String> projects) {
        Api.Answer created = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            created = api.send("POST", "/v1/admin/api-keys", adminKey, Map.of("name", attempt == 0 ? name : name + "-" + attempt,
                    "projects", projects, "scopes", List.of("cache:read", "cache:write", "sessions", "rate-limits", "progress", "tasks")));
            if (created.status() != 503) {
                break;
            }
            Api.pause();
        }
        return created.expectOk("creating the key " + name).body().get("key").asText();
    }
}
