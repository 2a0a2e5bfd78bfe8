package infrastructure.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static support.Api.as;
import static support.Api.asAdmin;
import static support.Api.freshProject;
import static support.Api.keyFor;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import support.MemoryStoreProfile;

/** Every list answers one envelope and pages by one rule: {@code items}, {@code nextCursor}, {@code limit}, {@code cursor}. */
@QuarkusTest
@TestProfile(MemoryStoreProfile.class)
class ListingRulesTest {

    private final String project = freshProject();
    private String key;

    @BeforeEach
    void aKeyForEveryListOfTheProject() {
        key = keyFor(List.of(project), "cache:read", "cache:write", "progress", "sessions", "tasks", "rate-limits");
    }

    /** Every list of the service, by the path that reads it, with the key that may read it. */
    private Map<String, String> lists() {
        Map<String, String> lists = new LinkedHashMap<>();
        lists.put("/v1/projects/" + project + "/cache", key);
        lists.put("/v1/projects/" + project + "/progress", key);
        lists.put("/v1/users/u-" + UUID.randomUUID() + "/sessions", key);
        lists.put("/v1/admin/api-keys", support.Api.BOOTSTRAP_KEY);
        lists.put("/v1/rate-limit-policies", key);
        lists.put("/v1/projects/" + project + "/queues/emails/tasks", key);
        lists.put("/v1/projects/" + project + "/queues/emails/dead", key);
        return lists;
    }

    private static String cursorOf(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void everyListAnswersItemsAndANextCursorAndNothingElse() {
        lists().forEach((path, as) -> {
            Response page = as(as).get(path);
            assertThat(page.statusCode()).as(path + ": " + page.asString()).isEqualTo(200);
            Map<String, Object> body = page.jsonPath().getMap("");
            assertThat(body.keySet()).as(path).containsExactlyInAnyOrder("items", "nextCursor");
            assertThat(body.get("items")).as(path).isInstanceOf(List.class);
        });
    }

    @Test
    void everyListRefusesABadLimitOrCursorWithAProblemNamingTheParameter() {
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("limit=0", "limit");
        bad.put("limit=1001", "limit");
        bad.put("limit=many", "limit");
        bad.put("limit=1.5", "limit");
        bad.put("limit=-1", "limit");
        bad.put("cursor=!!!", "cursor");
        bad.put("cursor=" + cursorOf("nowhere:x"), "cursor");
        bad.put("cursor=" + cursorOf("keys:"), "cursor");
        bad.put("cursor=" + Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[] {(byte) 0xff, (byte) 0xfe}), "cursor");
        lists().forEach((path, as) -> bad.forEach((query, field) -> {
            Response answer = as(as).get(path + "?" + query);
            assertThat(answer.statusCode()).as(path + "?" + query + ": " + answer.asString()).isEqualTo(400);
            assertThat(answer.contentType()).startsWith("application/problem+json");
            assertThat(answer.jsonPath().getList("violations.field", String.class)).as(path + "?" + query).containsExactly(field);
        }));
    }

    @Test
    void aCursorOfOneListIsRefusedByAnother() {
        String cache = "/v1/projects/" + project + "/cache/";
        for (int i = 0; i < 3; i++) {
            as(key).body("{\"value\": " + i + "}").put(cache + "k" + i).then().statusCode(201);
        }
        String cursor = as(key).queryParam("limit", 1).get("/v1/projects/" + project + "/cache").then().statusCode(200)
                .extract().path("nextCursor");
        assertThat(cursor).isNotNull();

        lists().forEach((path, as) -> {
            if (!path.endsWith("/cache")) {
                Response answer = as(as).queryParam("cursor", cursor).get(path);
                assertThat(answer.statusCode()).as(path).isEqualTo(400);
                assertThat(answer.jsonPath().getList("violations.field", String.class)).as(path).containsExactly("cursor");
            }
        });
    }

    @Test
    void aUsersSessionsArePagedOldestFirstWithNoneTwiceAndNoneLeftOut() {
        String user = "u-" + UUID.randomUUID();
        List<String> opened = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            opened.add(as(key).body(Map.of("userId", user, "projectAccess", List.of(project))).post("/v1/sessions")
                    .then().statusCode(201).extract().path("sessionId"));
        }

        List<String> walked = walk("/v1/users/" + user + "/sessions", key, 2, "sessionId");

        assertThat(walked).containsExactlyInAnyOrderElementsOf(opened).doesNotHaveDuplicates();
        List<Long> created = new ArrayList<>();
        for (String id : walked) {
            created.add(java.time.Instant.parse(as(key).get("/v1/sessions/" + id).then().extract().<String>path("createdAt"))
                    .toEpochMilli());
        }
        assertThat(created).isSorted();
    }

    @Test
    void apiKeysArePagedByName() {
        String prefix = "pg-" + UUID.randomUUID().toString().substring(0, 6) + "-";
        for (String suffix : List.of("c", "a", "b")) {
            asAdmin().body(Map.of("name", prefix + suffix, "projects", List.of(project), "scopes", List.of("cache:read")))
                    .post("/v1/admin/api-keys").then().statusCode(201);
        }

        List<String> walked = walk("/v1/admin/api-keys", support.Api.BOOTSTRAP_KEY, 2, "name");

        assertThat(walked).isSorted().doesNotHaveDuplicates().contains(prefix + "a", prefix + "b", prefix + "c");
    }

    @Test
    void rateLimitPoliciesArePagedByName() {
        String prefix = "pg-" + UUID.randomUUID().toString().substring(0, 6) + "-";
        for (String suffix : List.of("b", "a")) {
            asAdmin().body("{\"limits\": [{\"requests\": 5, \"windowSeconds\": 60}]}")
                    .put("/v1/rate-limit-policies/" + prefix + suffix).then().statusCode(201);
        }

        List<String> walked = walk("/v1/rate-limit-policies", key, 1, "name");

        assertThat(walked).isSorted().doesNotHaveDuplicates().contains(prefix + "a", prefix + "b", "default", "api");
    }

    /** Every item's {@code field} over all pages of a list, following nextCursor until it is null. */
    private static List<String> walk(String path, String as, int limit, String field) {
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            var request = as(as).queryParam("limit", limit);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            Response page = request.get(path);
            assertThat(page.statusCode()).as(page.asString()).isEqualTo(200);
            List<String> items = page.jsonPath().getList("items." + field, String.class);
            assertThat(items.size()).isLessThanOrEqualTo(limit);
            seen.addAll(items);
            cursor = page.path("nextCursor");
            assertThat(++pages).as("pages of " + path).isLessThan(10_000);
        } while (cursor != null);
        return seen;
    }
}
