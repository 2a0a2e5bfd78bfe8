package infrastructure.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;
import static support.Api.as;
import static support.Api.cacheKeyFor;
import static support.Api.freshProject;
import static support.Api.keyFor;

import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The project cache over HTTP, end to end. Runs once per store (see the subclasses): what a client
 * sees may not depend on the store.
 */
abstract class CacheApiTests {

    String project;
    String key;

    @BeforeEach
    void newProjectAndKey() {
        project = freshProject();
        key = cacheKeyFor(project);
    }

    String entry(String name) {
        return "/v1/projects/" + project + "/cache/" + name;
    }

    Response put(String name, String body) {
        return as(key).body(body).put(entry(name));
    }

    // --- writes and reads

    @Test
    void createsThenReplacesAnEntryWithVersionsAsETags() {
        Response created = put("user:42", "{\"value\": {\"name\": \"Ada\"}, \"tags\": [\"users\"]}");
        created.then().statusCode(201)
                .body("key", equalTo("user:42"))
                .header("ETag", equalTo("\"" + created.path("version") + "\""));

        Response replaced = put("user:42", "{\"value\": {\"name\": \"Grace\"}}");
        replaced.then().statusCode(200);
        assertThat(version(replaced)).isGreaterThan(version(created));

        as(key).get(entry("user:42")).then().statusCode(200)
                .header("ETag", equalTo("\"" + replaced.path("version") + "\""))
                .body("value.name", equalTo("Grace"))
                .body("version", equalTo(replaced.<Long>path("version")))
                .body("tags.size()", equalTo(0))
                .body("expiresAt", equalTo(replaced.path("expiresAt")));
    }

    @Test
    void servesAnyJsonValueVerbatim() {
        String value = "[1, \"два\", {\"三\": null}, true, 2.5, \"🎉\"]";
        put("any", "{\"value\": " + value + "}").then().statusCode(201);
        put("nothing", "{\"value\": null}").then().statusCode(201);

        as(key).get(entry("any")).then().statusCode(200)
                .body("value[1]", equalTo("два")).body("value[5]", equalTo("🎉"));
        as(key).get(entry("nothing")).then().statusCode(200).body("value", nullValue())
                .body(containsString("\"value\":null"));
    }

    @Test
    void answersAMissWith404Problem() {
        as(key).get(entry("absent")).then().statusCode(404)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:cache-domain:problem:not-found"))
                .body("status", equalTo(404));
    }

    @Test
    void answersHeadWithTheStatusAndNoBody() {
        put("k", "{\"value\": 1}").then().statusCode(201);

        as(key).head(entry("k")).then().statusCode(200).body(equalTo(""));
        as(key).head(entry("absent")).then().statusCode(404).body(equalTo(""));
    }

    @Test
    void answers304WhenIfNoneMatchNamesTheCurrentVersion() {
        String etag = put("k", "{\"value\": 1}").header("ETag");

        as(key).header("If-None-Match", etag).get(entry("k")).then().statusCode(304);
        as(key).header("If-None-Match", "\"999999\"").get(entry("k")).then().statusCode(200);
    }

    @Test
    void removesAnEntryAndAnswers204AlsoWhenAbsent() {
        put("k", "{\"value\": 1}");

        as(key).delete(entry("k")).then().statusCode(204);
        as(key).delete(entry("k")).then().statusCode(204);
        as(key).get(entry("k")).then().statusCode(404);
    }

    // --- preconditions

    @Test
    void refusesAWriteWhoseIfMatchIsStale() {
        String v1 = put("k", "{\"value\": 1}").header("ETag");
        as(key).header("If-Match", v1).body("{\"value\": 2}").put(entry("k")).then().statusCode(200);

        as(key).header("If-Match", v1).body("{\"value\": 3}").put(entry("k")).then().statusCode(412)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:cache-domain:problem:precondition-failed"));
        as(key).get(entry("k")).then().body("value", equalTo(2));
    }

    @Test
    void neverMatchesAnETagAnEarlierIncarnationOfTheStoreHandedOut() {
        // A fresh project's sequence is what a restart (or a vanished Redis sequence key) leaves:
        // before versions came from the clock, it started at 1 again, so If-Match: "1" matched.
        long micros = java.time.temporal.ChronoUnit.MICROS.between(java.time.Instant.EPOCH, java.time.Instant.now());
        Response created = put("k", "{\"value\": 1}");
        created.then().statusCode(201);

        assertThat(version(created)).isGreaterThanOrEqualTo(micros - 1_000);
        for (String stale : List.of("\"1\"", "\"2\"", "\"" + (version(created) - 1) + "\"")) {
            as(key).header("If-Match", stale).body("{\"value\": 2}").put(entry("k")).then().statusCode(412)
                    .body("type", equalTo("urn:cache-domain:problem:precondition-failed"));
        }
        as(key).header("If-Match", created.header("ETag")).body("{\"value\": 3}").put(entry("k")).then().statusCode(200);
    }

    private static long version(Response written) {
        return ((Number) written.path("version")).longValue();
    }

    @Test
    void createsOnlyWithIfNoneMatchStar() {
        as(key).header("If-None-Match", "*").body("{\"value\": 1}").put(entry("k")).then().statusCode(201);
        as(key).header("If-None-Match", "*").body("{\"value\": 2}").put(entry("k")).then().statusCode(412);
        as(key).header("If-Match", "*").body("{\"value\": 3}").put(entry("absent")).then().statusCode(412);
    }

    @Test
    void letsExactlyOneOfFiftyConcurrentConditionalWritesSucceed() {
        String etag = put("counter", "{\"value\": 0}").header("ETag");
        HttpClient http = HttpClient.newHttpClient();
        URI uri = URI.create(RestAssured.baseURI + ":" + RestAssured.port + entry("counter"));

        List<CompletableFuture<HttpResponse<String>>> writes = IntStream.range(0, 50)
                .mapToObj(i -> http.sendAsync(HttpRequest.newBuilder(uri)
                        .header("Authorization", "Bearer " + key)
                        .header("Content-Type", "application/json")
                        .header("If-Match", etag)
                        .PUT(HttpRequest.BodyPublishers.ofString("{\"value\": " + i + "}")).build(),
                        HttpResponse.BodyHandlers.ofString()))
                .toList();
        List<Integer> statuses = writes.stream().map(f -> f.join().statusCode()).toList();

        assertThat(statuses).filteredOn(s -> s == 200).hasSize(1);
        assertThat(statuses).filteredOn(s -> s == 412).hasSize(49);
    }

    // --- expiry

    @Test
    void stopsServingAnEntryAfterItsTtl() {
        put("short", "{\"value\": 1, \"ttlSeconds\": 1}").then().statusCode(201);
        as(key).get(entry("short")).then().statusCode(200);

        Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                .until(() -> as(key).get(entry("short")).statusCode() == 404);
    }

    @Test
    void usesTheDefaultTtlOfOneHour() {
        Response written = put("k", "{\"value\": 1}");
        Response read = as(key).get(entry("k"));

        assertThat(java.time.Instant.parse(read.path("expiresAt")))
                .isEqualTo(java.time.Instant.parse(read.path("createdAt")).plusSeconds(3600));
        assertThat(written.<String>path("expiresAt")).isEqualTo(read.path("expiresAt"));
    }

    // --- invalidation, clearing, listing, statistics

    @Test
    void invalidatesByTagExactlyTheTaggedEntries() {
        put("a", "{\"value\": 1, \"tags\": [\"red\"]}");
        put("b", "{\"value\": 1, \"tags\": [\"red\", \"blue\"]}");
        put("c", "{\"value\": 1, \"tags\": [\"blue\"]}");
        put("d", "{\"value\": 1}");

        as(key).body("{\"tags\": [\"red\"]}").post("/v1/projects/" + project + "/cache/invalidations")
                .then().statusCode(200).body("invalidated", equalTo(2));

        as(key).get(entry("a")).then().statusCode(404);
        as(key).get(entry("b")).then().statusCode(404);
        as(key).get(entry("c")).then().statusCode(200);
        as(key).get(entry("d")).then().statusCode(200);
    }

    @Test
    void invalidatesByPatternAndByKeysCountingEachEntryOnce() {
        List.of("user:1", "user:2", "user:3:profile", "order:1", "order:2").forEach(n -> put(n, "{\"value\": 1}"));

        as(key).body("{\"pattern\": \"user:*\", \"keys\": [\"user:1\", \"order:1\"]}")
                .post("/v1/projects/" + project + "/cache/invalidations")
                .then().statusCode(200).body("invalidated", equalTo(4));

        as(key).get("/v1/projects/" + project + "/cache").then().statusCode(200)
                .body("items", equalTo(List.of("order:2")));
    }

    @Test
    void clearsTheProjectAndNothingElse() {
        String other = freshProject();
        String otherKey = cacheKeyFor(other);
        put("shared-name", "{\"value\": \"mine\"}");
        put("mine-only", "{\"value\": 1}");
        as(otherKey).body("{\"value\": \"theirs\"}").put("/v1/projects/" + other + "/cache/shared-name");

        as(key).delete("/v1/projects/" + project + "/cache").then().statusCode(200).body("invalidated", equalTo(2));

        as(key).get(entry("shared-name")).then().statusCode(404);
        as(otherKey).get("/v1/projects/" + other + "/cache/shared-name").then().statusCode(200)
                .body("value", equalTo("theirs"));
    }

    @Test
    void shredsOnlyWithTheAdminScopeOnTheProject() {
        put("kept", "{\"value\": 1}");

        as(key).delete("/v1/projects/" + project + "/cache?shred=true").then().statusCode(403)
                .contentType("application/problem+json");

        as(key).get(entry("kept")).then().statusCode(200);
        as(keyFor(List.of(project), "cache:read", "cache:write", "admin")).delete("/v1/projects/" + project + "/cache?shred=true")
                .then().statusCode(200).body("invalidated", equalTo(1));
        as(key).get(entry("kept")).then().statusCode(404);
        put("after", "{\"value\": 2}").then().statusCode(201);
        as(key).get(entry("after")).then().statusCode(200).body("value", equalTo(2));
    }

    @Test
    void refusesAShredThatIsNeitherTrueNorFalse() {
        put("kept", "{\"value\": 1}");

        as(key).delete("/v1/projects/" + project + "/cache?shred=yes").then().statusCode(400)
                .contentType("application/problem+json");

        as(key).get(entry("kept")).then().statusCode(200);
    }

    @Test
    void pagesThroughThousandsOfKeysWithoutLossOrDuplicates() {
        HttpClient http = HttpClient.newHttpClient();
        Set<String> written = new HashSet<>();
        for (int batch = 0; batch < 25; batch++) {
            List<CompletableFuture<HttpResponse<Void>>> puts = new ArrayList<>();
            for (int i = batch * 100; i < (batch + 1) * 100; i++) {
                String name = "item:" + i;
                written.add(name);
                puts.add(http.sendAsync(HttpRequest.newBuilder(URI.create(RestAssured.baseURI + ":" + RestAssured.port + entry(name)))
                        .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString("{\"value\": " + i + "}")).build(),
                        HttpResponse.BodyHandlers.discarding()));
            }
            puts.forEach(f -> assertThat(f.join().statusCode()).isEqualTo(201));
        }

        List<String> listed = new ArrayList<>();
        String cursor = null;
        do {
            var request = as(key).queryParam("limit", 500);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            Response page = request.get("/v1/projects/" + project + "/cache");
            page.then().statusCode(200);
            listed.addAll(page.path("items"));
            cursor = page.path("nextCursor");
        } while (cursor != null);

        assertThat(listed).as("five pages").hasSize(2_500).doesNotHaveDuplicates();
        assertThat(new HashSet<>(listed)).isEqualTo(written);
    }

    @Test
    void countsEntriesHitsAndMisses() {
        put("a", "{\"value\": 1}");
        put("b", "{\"value\": 1}");
        as(key).get(entry("a"));
        as(key).get(entry("a"));
        as(key).get(entry("a"));
        as(key).get(entry("missing"));

        as(key).get("/v1/projects/" + project + "/cache-stats").then().statusCode(200)
                .body("entries", equalTo(2)).body("hits", equalTo(3)).body("misses", equalTo(1))
                .body("hitRate", equalTo(0.75f));
    }

    // --- isolation and access

    @Test
    void keepsOneKeyNameInTwoProjectsAsTwoValues() {
        String other = freshProject();
        String both = keyFor(List.of(project, other), "cache:read", "cache:write");

        as(both).body("{\"value\": \"a\"}").put(entry("same"));
        as(both).body("{\"value\": \"b\"}").put("/v1/projects/" + other + "/cache/same");

        as(both).get(entry("same")).then().body("value", equalTo("a"));
        as(both).get("/v1/projects/" + other + "/cache/same").then().body("value", equalTo("b"));
    }

    @Test
    void forbidsEveryEndpointOfAnotherProjectWhetherOrNotTheEntryExists() {
        String other = freshProject();
        String otherKey = cacheKeyFor(other);
        as(otherKey).body("{\"value\": 1}").put("/v1/projects/" + other + "/cache/exists");
        String base = "/v1/projects/" + other;

        List<Response> answers = List.of(
                as(key).get(base + "/cache/exists"),
                as(key).get(base + "/cache/absent"),
                as(key).head(base + "/cache/exists"),
                as(key).body("{\"value\": 2}").put(base + "/cache/exists"),
                as(key).body("{\"value\": 2}").put(base + "/cache/absent"),
                as(key).delete(base + "/cache/exists"),
                as(key).delete(base + "/cache/absent"),
                as(key).body("{\"keys\": [\"exists\"]}").post(base + "/cache/invalidations"),
                as(key).delete(base + "/cache"),
                as(key).get(base + "/cache"),
                as(key).get(base + "/cache-stats"));

        assertThat(answers).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(403));
        assertThat(answers.get(0).contentType()).isEqualTo("application/problem+json");
        assertThat(answers.get(0).<String>path("detail")).isEqualTo(answers.get(1).path("detail"));
        as(otherKey).get(base + "/cache/exists").then().statusCode(200).body("value", equalTo(1));
    }

    @Test
    void forbidsWritesToAKeyThatMayOnlyRead() {
        String reader = keyFor(List.of(project), "cache:read");

        as(reader).body("{\"value\": 1}").put(entry("k")).then().statusCode(403)
                .body("detail", containsString("cache:write"));
        as(reader).get(entry("k")).then().statusCode(404);
    }

    @Test
    void asksForCredentialsWithoutRevealingWhichWereWrong() {
        Response none = RestAssured.given().get(entry("k"));
        Response unknown = as("cdk_unknown").get(entry("k"));
        Response basic = RestAssured.given().header("Authorization", "Basic dXNlcjpwYXNz").get(entry("k"));
        Response huge = as("x".repeat(10_000)).get(entry("k"));

        for (Response r : List.of(none, unknown, basic, huge)) {
            r.then().statusCode(401).contentType("application/problem+json")
                    .header("WWW-Authenticate", containsString("Bearer"))
                    .body("type", equalTo("urn:cache-domain:problem:unauthenticated"));
        }
        assertThat(unknown.<String>path("detail")).isEqualTo(none.path("detail"));
    }

    // --- bad input

    @Test
    void rejectsEachBadInputWithItsProblem() {
        String base = "/v1/projects/" + project + "/cache/";
        Map<Response, Integer> cases = new java.util.LinkedHashMap<>();
        cases.put(as(key).body("{\"value\": 1}").put("/v1/projects/Bad_Project/cache/k"), 400);
        cases.put(as(key).body("{\"value\": 1}").put(base + "k".repeat(251)), 400);
        cases.put(as(key).body("{\"value\": 1}").put(base + "ключ"), 400);
        cases.put(as(key).body("{\"value\": 1}").put(base + "a%20b"), 400);
        cases.put(as(key).body("{\"value\": 1, \"ttlSeconds\": 0}").put(base + "k"), 400);
        cases.put(as(key).body("{\"value\": 1, \"ttlSeconds\": -5}").put(base + "k"), 400);
        cases.put(as(key).body("{\"value\": 1, \"ttlSeconds\": 99999999999}").put(base + "k"), 400);
        cases.put(as(key).body("{\"value\": 1, \"ttlSeconds\": \"soon\"}").put(base + "k"), 400);
        cases.put(as(key).body("{\"value\": 1, \"tags\": [\"no spaces\"]}").put(base + "k"), 400);
        cases.put(as(key).body("{\"value\": 1, \"tags\": " + tags(17) + "}").put(base + "k"), 400);
        cases.put(as(key).body("{\"value\": 1, \"tags\": \"red\"}").put(base + "k"), 400);
        cases.put(as(key).body("{\"ttlSeconds\": 5}").put(base + "k"), 400);
        cases.put(as(key).body("{\"value\": ").put(base + "k"), 400);
        cases.put(as(key).body("").put(base + "k"), 400);
        cases.put(as(key).body("[1, 2]").put(base + "k"), 400);
        cases.put(as(key).header("If-Match", "12").body("{\"value\": 1}").put(base + "k"), 400);
        cases.put(as(key).header("If-None-Match", "\"3\"").body("{\"value\": 1}").put(base + "k"), 400);
        cases.put(as(key).body("{\"value\": \"" + "x".repeat(1024 * 1024) + "\"}").put(base + "k"), 413);
        cases.put(as(key).body("{\"value\": \"" + "x".repeat(9 * 1024 * 1024) + "\"}").put(base + "k"), 413);
        cases.put(as(key).queryParam("limit", 0).get(base.substring(0, base.length() - 1)), 400);
        cases.put(as(key).queryParam("limit", 1001).get(base.substring(0, base.length() - 1)), 400);
        cases.put(as(key).queryParam("limit", "many").get(base.substring(0, base.length() - 1)), 400);
        cases.put(as(key).queryParam("cursor", "!!!").get(base.substring(0, base.length() - 1)), 400);
        cases.put(as(key).queryParam("pattern", "a[b]").get(base.substring(0, base.length() - 1)), 400);
        cases.put(as(key).body("{}").post(base + "invalidations"), 400);
        cases.put(as(key).body("{\"keys\": [\"bad key\"]}").post(base + "invalidations"), 400);
        cases.put(as(key).body("{\"pattern\": \"\"}").post(base + "invalidations"), 400);
        cases.put(as(key).body("{\"keys\": " + keys(1001) + "}").post(base + "invalidations"), 400);
        cases.put(as(key).contentType("text/plain").body("1").put(base + "k"), 415);
        cases.put(as(key).post(base + "k"), 405);
        cases.put(as(key).get("/v1/nowhere"), 404);

        int[] index = {0};
        cases.forEach((response, status) -> assertThat(response.statusCode() + " " + response.contentType())
                .as("case %d: %s", index[0]++, response.asString())
                .isEqualTo(status + " application/problem+json"));
        cases.forEach((response, status) -> response.then()
                .body("status", equalTo(status))
                .body("type", containsString("urn:cache-domain:problem:"))
                .body("title", org.hamcrest.Matchers.notNullValue())
                .body("detail", org.hamcrest.Matchers.notNullValue()));
    }

    @Test
    void listsEveryViolationOfARequestAtOnce() {
        as(key).body("{\"value\": 1, \"tags\": [\"ok\", \"not ok\"]}")
                .put("/v1/projects/Bad!/cache/" + "k".repeat(300))
                .then().statusCode(400)
                .body("violations.field", equalTo(List.of("projectId", "key", "tags[1]")));
    }

    @Test
    void neverStoresAnythingForARejectedWrite() {
        as(key).body("{\"value\": 1, \"ttlSeconds\": 0}").put(entry("k")).then().statusCode(400);
        as(key).body("{\"value\": \"" + "x".repeat(1024 * 1024) + "\"}").put(entry("k")).then().statusCode(413);

        as(key).get(entry("k")).then().statusCode(404);
    }

    // --- methods

    @Test
    void answersA405WithTheMethodsThePathAllows() {
        as(key).body("{}").post(entry("k")).then().statusCode(405).contentType("application/problem+json")
                .body("type", equalTo("urn:cache-domain:problem:method-not-allowed"))
                .header("Allow", equalTo("DELETE, GET, HEAD, OPTIONS, PUT"));
    }

    @Test
    void answersOptionsWithExactlyTheMethodsThatWork() {
        for (String path : List.of(entry("k"), entry("invalidations"), "/v1/projects/" + project + "/cache",
                "/v1/projects/" + project + "/cache-stats")) {
            Response options = as(key).options(path);
            options.then().statusCode(200);
            List<String> allowed = List.of(options.header("Allow").split(", "));
            for (String method : List.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH")) {
                int status = as(key).body("{}").request(method, path).statusCode();
                assertThat(status == 405).as("%s %s answered %d; Allow: %s", method, path, status, allowed)
                        .isEqualTo(!allowed.contains(method));
            }
        }
    }

    // --- limits at the HTTP edge, whatever the framing

    /** The default body limit: 8 x 1 MiB + 64 KiB. */
    static final long BODY_LIMIT = 8L * 1024 * 1024 + 64 * 1024;
    /** What the server may read past the limit: the buffers already in flight when it stops reading. */
    static final long ONE_BUFFER = 128 * 1024;

    private String chunkedHead(String method, String path, String key, String probe) {
        return method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + key
                + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
                + support.BodyProbe.HEADER + ": " + probe + "\r\n\r\n";
    }

    @Test
    void refusesAFiftyMebibyteChunkedBodyOnceTheLimitIsReadAndReadsNoMore() throws Exception {
        String probe = java.util.UUID.randomUUID().toString();
        long fifty = 50L * 1024 * 1024;
        long[] sent = {0};
        try (support.RawHttp http = support.RawHttp.connectWithSendBuffer(64 * 1024)) {
            http.send(chunkedHead("PUT", entry("big"), key, probe)).chunk("{\"value\": \"".getBytes());
            Thread sender = new Thread(() -> {
                byte[] piece = "x".repeat(64 * 1024).getBytes();
                try {
                    while (sent[0] < fifty) {
                        http.chunk(piece);
                        sent[0] += piece.length;
                    }
                } catch (java.io.IOException e) {
                    // the server closed the connection after its answer: the rest is never sent
                }
            });
            sender.setDaemon(true);
            sender.start();

            support.RawHttp.Answer answer = http.read();

            assertThat(answer.status()).isEqualTo(413);
            assertThat(answer.header("Content-Type")).isEqualTo("application/problem+json");
            assertThat(answer.body()).contains("urn:cache-domain:problem:payload-too-large").contains(Long.toString(BODY_LIMIT));
            assertThat(answer.header("Connection")).isEqualTo("close");
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> support.BodyProbe.bytesRead(probe).isPresent());
            assertThat(support.BodyProbe.bytesRead(probe).getAsLong()).isBetween(BODY_LIMIT - ONE_BUFFER, BODY_LIMIT + ONE_BUFFER);
            assertThat(http.closedByServer()).as("the server closes the connection instead of reading the rest").isTrue();
            http.close();
            sender.join(Duration.ofSeconds(10).toMillis());
            assertThat(sent[0]).isLessThan(fifty);
        }
        as(key).get(entry("big")).then().statusCode(404);
    }

    @Test
    void refusesAChunkedWriteToAForeignProjectOrWithoutTheScopeBeforeReadingItsBody() throws Exception {
        String foreign = freshProject();
        String readOnly = keyFor(List.of(project), "cache:read");
        for (String[] attempt : List.of(new String[] {key, "/v1/projects/" + foreign + "/cache/k"},
                new String[] {readOnly, entry("k")})) {
            String probe = java.util.UUID.randomUUID().toString();
            try (support.RawHttp http = support.RawHttp.connect()) {
                http.send(chunkedHead("PUT", attempt[1], attempt[0], probe)).chunk("{\"value\": \"".getBytes());

                // The rest of the body, and its last chunk, are still held back.
                support.RawHttp.Answer answer = http.read();

                assertThat(answer.status()).as(attempt[1]).isEqualTo(403);
                assertThat(answer.header("Content-Type")).isEqualTo("application/problem+json");
                assertThat(answer.body()).contains("urn:cache-domain:problem:forbidden");
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> support.BodyProbe.bytesRead(probe).isPresent());
                assertThat(support.BodyProbe.bytesRead(probe).getAsLong()).isZero();
            }
        }
        as(keyFor(List.of(foreign), "cache:read")).get("/v1/projects/" + foreign + "/cache/k").then().statusCode(404);
        as(key).get(entry("k")).then().statusCode(404);
    }

    @Test
    void acceptsAChunkedBodyWithinTheLimit() throws Exception {
        String value = "y".repeat(900 * 1024);
        try (support.RawHttp http = support.RawHttp.connect()) {
            http.send(chunkedHead("PUT", entry("chunked"), key, java.util.UUID.randomUUID().toString()))
                    .chunk("{\"value\": \"".getBytes())
                    .chunk(value.getBytes())
                    .chunk("\"}".getBytes())
                    .send("0\r\n\r\n");

            assertThat(http.read().status()).isEqualTo(201);
        }
        as(key).get(entry("chunked")).then().statusCode(200).body("value.length()", equalTo(value.length()));
    }

    @Test
    void answersAProblemToABodyDeclaredLargerThanTheLimitWithoutReadingIt() throws Exception {
        try (support.RawHttp http = support.RawHttp.connect()) {
            http.send("PUT " + entry("k") + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + key
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + (100L * 1024 * 1024) + "\r\n\r\n");

            support.RawHttp.Answer answer = http.read();

            assertThat(answer.status()).isEqualTo(413);
            assertThat(answer.header("Content-Type")).isEqualTo("application/problem+json");
            assertThat(answer.body()).contains("urn:cache-domain:problem:payload-too-large");
            assertThat(http.closedByServer()).as("the server closes the connection instead of waiting for the body").isTrue();
        }
    }

    @Test
    void answersAProblemToAPathOfAHundredThousandCharacters() throws Exception {
        try (support.RawHttp http = support.RawHttp.connect()) {
            http.send("GET " + entry("k".repeat(100_000)) + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + key
                    + "\r\n\r\n");

            support.RawHttp.Answer answer = http.read();

            assertThat(answer.status()).isEqualTo(414);
            assertThat(answer.header("Content-Type")).isEqualTo("application/problem+json");
            assertThat(answer.body()).contains("urn:cache-domain:problem:uri-too-long").contains("\"status\":414");
        }
    }

    @Test
    void answersAProblemToAHundredKilobyteHeader() throws Exception {
        try (support.RawHttp http = support.RawHttp.connect()) {
            http.send("GET " + entry("k") + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + key
                    + "\r\nX-Padding: " + "a".repeat(100_000) + "\r\n\r\n");

            support.RawHttp.Answer answer = http.read();

            assertThat(answer.status()).isEqualTo(431);
            assertThat(answer.header("Content-Type")).isEqualTo("application/problem+json");
            assertThat(answer.body()).contains("urn:cache-domain:problem:header-fields-too-large").contains("\"status\":431");
        }
    }

    private static String tags(int n) {
        return IntStream.range(0, n).mapToObj(i -> "\"t" + i + "\"").toList().toString();
    }

    private static String keys(int n) {
        return IntStream.range(0, n).mapToObj(i -> "\"k" + i + "\"").toList().toString();
    }

    // --- the document

    @Test
    void describesEveryEndpointInTheOpenApiDocument() {
        Response doc = RestAssured.given().queryParam("format", "json").get("/q/openapi");
        doc.then().statusCode(200);
        Map<String, Map<String, Object>> paths = doc.path("paths");

        assertThat(paths.get("/v1/projects/{projectId}/cache/{key}")).containsKeys("get", "put", "delete");
        assertThat(paths.get("/v1/projects/{projectId}/cache")).containsKeys("get", "delete");
        assertThat(paths.get("/v1/projects/{projectId}/cache/invalidations")).containsKeys("post");
        assertThat(paths.get("/v1/projects/{projectId}/cache-stats")).containsKeys("get");
        assertThat(paths.get("/v1/admin/api-keys")).containsKeys("get", "post");
        assertThat(paths.get("/v1/admin/api-keys/{name}")).containsKeys("delete");
        assertThat(paths.get("/v1/sessions")).containsKeys("post");
        assertThat(paths.get("/v1/sessions/validate")).containsKeys("post");
        assertThat(paths.get("/v1/sessions/current")).containsKeys("get", "delete");
        assertThat(paths.get("/v1/sessions/{sessionId}")).containsKeys("get", "delete");
        assertThat(paths.get("/v1/sessions/{sessionId}/projects/{projectId}")).containsKeys("put", "delete");
        assertThat(paths.get("/v1/sessions/{sessionId}/rotate")).containsKeys("post");
        assertThat(paths.get("/v1/users/{userId}/sessions")).containsKeys("get", "delete");
        assertThat(paths.get("/v1/rate-limit-policies")).containsKeys("get");
        assertThat(paths.get("/v1/rate-limit-policies/{name}")).containsKeys("get", "put", "delete");
        assertThat(paths.get("/v1/projects/{projectId}/rate-limits/check")).containsKeys("post");
        assertThat(paths.get("/v1/projects/{projectId}/rate-limits/{policy}/{scope}/{identifier}")).containsKeys("get", "delete");
        doc.then().body("paths.'/v1/projects/{projectId}/cache/{key}'.put.summary", equalTo("Write an entry"));
        doc.then().body("tags.name", hasItem("cache"));
    }
}
