package service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import service.CommandLineProcess.Result;
import support.RedisServer;

/**
 * The operator's command line run as a process against running services, one per store, command by
 * command: what it prints and the exit code scripts rely on. Then projects moved between the stores in
 * each of the six directions (export into import, a batch at a time), and found the same there.
 */
@Tag("second-pass")
class CommandLineIT {

    private static final String ADMIN = "it-cli-admin-key-abcdefghijklmnopqrstuvwxyz0123456";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static RedisServer redis;
    private static Map<String, ServiceProcess> services;
    private static Path directory;

    @BeforeAll
    static void oneServicePerStore() throws Exception {
        redis = RedisServer.start();
        directory = Files.createTempDirectory("cli");
        services = new LinkedHashMap<>();
        services.put("memory", ServiceProcess.start(Map.of("CACHE_DOMAIN_STORE", "memory", "CACHE_DOMAIN_AUTH_BOOTSTRAP_KEY", ADMIN)));
        services.put("embedded", ServiceProcess.start(Map.of("CACHE_DOMAIN_STORE", "embedded", "CACHE_DOMAIN_EMBEDDED_PATH",
                directory.resolve("store").toString(), "CACHE_DOMAIN_AUTH_BOOTSTRAP_KEY", ADMIN)));
        services.put("redis", ServiceProcess.start(Map.of("CACHE_DOMAIN_STORE", "redis", "REDIS_URL", redis.url(),
                "CACHE_DOMAIN_AUTH_BOOTSTRAP_KEY", ADMIN)));
    }

    @AfterAll
    static void stop() {
        if (services != null) {
            services.values().forEach(ServiceProcess::close);
        }
        if (redis != null) {
            redis.close();
        }
    }

    private static String url(String store) {
        return "http://127.0.0.1:" + services.get(store).port();
    }

    /** The command line against the memory store's service with the admin key. */
    private static Result cli(String... args) throws Exception {
        return CommandLineProcess.run(Map.of("CACHE_DOMAIN_URL", url("memory"), "CACHE_DOMAIN_ADMIN_KEY", ADMIN), args);
    }

    private static void fill(String store, String project, int entries) throws Exception {
        for (int i = 0; i < entries; i++) {
            String body = "{\"value\": {\"n\": " + i + ", \"exact\": 1.50, \"text\": \"é\"}, \"ttlSeconds\": " + (900 + i)
                    + (i % 3 == 0 ? ", \"tags\": [\"third\"]" : "") + "}";
            assertThat(services.get(store).send("PUT", "/v1/projects/" + project + "/cache/" + String.format("k%05d", i), ADMIN, body)
                    .statusCode()).isEqualTo(201);
        }
    }

    /**
     * The same entries as {@link #fill}, written in one import of a file made here (as fast as a real backup's restore;
     * thousands of requests one by one would cost the build half a minute).
     */
    private static void fillByImport(String store, String project, int entries) throws Exception {
        java.time.Instant now = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        StringBuilder file = new StringBuilder("{\"type\":\"header\",\"format\":\"cache-domain-export\",\"version\":1,"
                + "\"project\":\"" + project + "\",\"store\":\"test\",\"exportedAt\":\"" + now + "\"}\n");
        for (int i = 0; i < entries; i++) {
            file.append("{\"type\":\"cache\",\"key\":\"").append(String.format("k%05d", i))
                    .append("\",\"value\":{\"n\":").append(i).append(",\"exact\":1.50,\"text\":\"é\"},\"version\":1,\"tags\":")
                    .append(i % 3 == 0 ? "[\"third\"]" : "[]").append(",\"createdAt\":\"").append(now)
                    .append("\",\"expiresAt\":\"").append(now.plusSeconds(900 + i)).append("\"}\n");
        }
        file.append("{\"type\":\"end\",\"records\":").append(entries).append(",\"unreadable\":0}\n");
        var answer = services.get(store).send("POST", "/v1/admin/projects/" + project + "/import", ADMIN, file.toString(),
                "application/jsonl");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(JSON.readTree(answer.body()).path("written").asLong()).isEqualTo(entries);
    }

    private static long entries(String store, String project) throws Exception {
        return JSON.readTree(services.get(store).send("GET", "/v1/projects/" + project + "/cache-stats", ADMIN, null).body())
                .path("entries").asLong();
    }

    // --- each command

    @Test
    void statusShowsTheHealthAndEachProjectsStatistics() throws Exception {
        fill("memory", "status-shown", 3);

        Result status = cli("status");

        assertThat(status.exitCode()).as(status.toString()).isZero();
        assertThat(status.out()).contains("status    UP").contains("store     memory, reachable").contains("breakers  all closed");
        assertThat(status.out()).containsPattern("status-shown +3 ");
        Result json = cli("status", "--json", "--project", "status-shown");
        assertThat(json.exitCode()).isZero();
        JsonNode report = JSON.readTree(json.out());
        assertThat(report.path("health").path("status").asText()).isEqualTo("UP");
        assertThat(report.path("projects").get(0).path("entries").asLong()).isEqualTo(3);
        assertThat(cli("projects", "list").out().lines()).contains("status-shown");
    }

    @Test
    void exitCodesTellScriptsWhatWentWrongAndTheErrorIsTheServicesProblemShownReadably() throws Exception {
        Result noKey = CommandLineProcess.run(Map.of("CACHE_DOMAIN_URL", url("memory")), "status");
        assertThat(noKey.exitCode()).isEqualTo(2);
        assertThat(noKey.err()).contains("no admin key");

        Result wrongKey = CommandLineProcess.run(Map.of("CACHE_DOMAIN_URL", url("memory"), "CACHE_DOMAIN_ADMIN_KEY", "cdk_wrong"), "status");
        assertThat(wrongKey.exitCode()).isEqualTo(5);
        assertThat(wrongKey.err()).startsWith("error: 401").doesNotContain("cdk_wrong");

        Result unreachable = cli("status", "--url", "http://127.0.0.1:1");
        assertThat(unreachable.exitCode()).isEqualTo(3);
        assertThat(unreachable.err()).contains("cannot reach the service at http://127.0.0.1:1: connection refused");

        Result badProject = cli("export", "Not_A_Project!");
        assertThat(badProject.exitCode()).isEqualTo(1);
        assertThat(badProject.err()).contains("error: 400").contains("projectId: project id must be");

        Result unknown = cli("frobnicate");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(cli("--help").out()).contains("migrate", "Exit codes:");
    }

    @Test
    void createsListsShowsAndRevokesKeysAndTheRevokedKeyStopsWorking() throws Exception {
        Result created = cli("keys", "create", "cli-ops", "--project", "keys-p", "--scope", "cache:read", "--json");
        assertThat(created.exitCode()).as(created.toString()).isZero();
        String secret = JSON.readTree(created.out()).path("key").asText();
        assertThat(secret).startsWith("cdk_");
        assertThat(services.get("memory").send("GET", "/v1/projects/keys-p/cache-stats", secret, null).statusCode()).isEqualTo(200);

        Result list = cli("keys", "list");
        assertThat(list.out()).containsPattern("cli-ops +keys-p +cache:read").doesNotContain(secret);
        assertThat(cli("keys", "show", "cli-ops").out()).contains("projects   keys-p").doesNotContain(secret);
        Result revoked = cli("keys", "revoke", "cli-ops");
        assertThat(revoked.exitCode()).isZero();
        assertThat(revoked.out()).contains("revoked cli-ops");

        assertThat(services.get("memory").send("GET", "/v1/projects/keys-p/cache-stats", secret, null).statusCode()).isEqualTo(401);
        assertThat(cli("keys", "show", "cli-ops").exitCode()).isEqualTo(1);
        Result missing = cli("keys", "create", "no-scope", "--project", "p");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("--scope");
    }

    @Test
    void setsListsShowsAndDeletesRateLimitPolicies() throws Exception {
        Result set = cli("policies", "set", "cli-login", "--limit", "5/60", "--limit", "20/3600", "--burst", "2", "--fail-mode", "closed");
        assertThat(set.exitCode()).as(set.toString()).isZero();
        assertThat(set.out()).contains("saved cli-login: 5/60s, 20/3600s");

        assertThat(cli("policies", "list").out()).containsPattern("cli-login +5/60s, 20/3600s +2 +closed +stored");
        assertThat(JSON.readTree(cli("policies", "show", "cli-login", "--json").out()).path("burst").asLong()).isEqualTo(2);
        assertThat(cli("policies", "delete", "cli-login").exitCode()).isZero();
        assertThat(cli("policies", "show", "cli-login").exitCode()).isEqualTo(1);
        Result bad = cli("policies", "set", "cli-bad", "--limit", "five a minute");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("REQUESTS/SECONDS");
    }

    @Test
    void clearsAProjectOnlyWhenConfirmed() throws Exception {
        fill("memory", "cleared", 5);

        Result unconfirmed = cli("clear", "cleared");
        assertThat(unconfirmed.exitCode()).isEqualTo(2);
        assertThat(entries("memory", "cleared")).isEqualTo(5);

        Result cleared = cli("clear", "cleared", "--yes");
        assertThat(cleared.exitCode()).isZero();
        assertThat(cleared.out()).contains("cleared cleared: 5 entries removed");
        assertThat(entries("memory", "cleared")).isZero();
    }

    @Test
    void showsAQueueListsItsDeadLettersAndRedrivesThem() throws Exception {
        ServiceProcess memory = services.get("memory");
        String base = "/v1/projects/queued/queues/emails";
        assertThat(memory.send("POST", base + "/tasks", ADMIN, "{\"payload\": {\"to\": \"a@example.com\"}, \"maxAttempts\": 1}")
                .statusCode()).isEqualTo(201);
        JsonNode task = JSON.readTree(memory.send("POST", base + "/claims", ADMIN, "{}").body()).path("tasks").get(0);
        assertThat(memory.send("POST", base + "/tasks/" + task.path("id").asText() + "/fail", ADMIN,
                "{\"leaseToken\": \"" + task.path("leaseToken").asText() + "\", \"error\": \"smtp down\", \"retryable\": false}")
                .statusCode()).isEqualTo(200);

        assertThat(cli("queues", "show", "queued", "emails").out()).containsPattern("DEAD +1");
        assertThat(cli("queues", "dead", "queued", "emails").out()).contains(task.path("id").asText(), "smtp down");
        Result redriven = cli("queues", "redrive", "queued", "emails");
        assertThat(redriven.exitCode()).as(redriven.toString()).isZero();
        assertThat(redriven.out()).contains("redriven 1 tasks of queued/emails");
        assertThat(cli("queues", "show", "queued", "emails").out()).containsPattern("QUEUED +1").containsPattern("DEAD +0");
    }

    @Test
    void rotatingKeysWithoutAKeyEncryptionKeyIsTheServicesConflict() throws Exception {
        Result rotate = cli("rotate-keys", "shop");
        assertThat(rotate.exitCode()).isEqualTo(1);
        assertThat(rotate.err()).contains("error: 409").contains("no key-encryption key");
        assertThat(cli("rotate-keys").exitCode()).as("a project or --sessions").isEqualTo(2);
    }

    // --- export, import, migrate

    @Test
    void exportsToAFileAndImportsItIntoAnotherStoreInBatches() throws Exception {
        fill("memory", "filed", 120);
        Path file = directory.resolve("filed.jsonl");

        Result exported = cli("export", "filed", "--output", file.toString());
        assertThat(exported.exitCode()).as(exported.toString()).isZero();
        assertThat(exported.err()).contains("exported 120 entries of filed to " + file);
        assertThat(Files.readAllLines(file)).hasSize(122);
        assertThat(Files.exists(directory.resolve("filed.jsonl.partial"))).isFalse();

        Result imported = CommandLineProcess.run(Map.of("CACHE_DOMAIN_URL", url("redis"), "CACHE_DOMAIN_ADMIN_KEY", ADMIN),
                "import", "filed", "--input", file.toString(), "--batch", "50");
        assertThat(imported.exitCode()).as(imported.toString()).isZero();
        assertThat(imported.out()).contains("written    120");
        JsonNode progress = progressOf(imported);
        assertThat(progress.path("status").asText()).isEqualTo("COMPLETED");
        assertThat(progress.path("percentage").asDouble()).isEqualTo(100.0);
        assertThat(progress.path("message").asText()).contains("120 written");
        assertThat(entries("redis", "filed")).isEqualTo(120);
        Result again = CommandLineProcess.run(Map.of("CACHE_DOMAIN_URL", url("redis"), "CACHE_DOMAIN_ADMIN_KEY", ADMIN),
                "import", "filed", "--input", file.toString(), "--json");
        assertThat(JSON.readTree(again.out()).path("unchanged").asLong()).isEqualTo(120);
    }

    @Test
    void aMalformedLineIsReportedByItsNumberAndTheBatchesBeforeItAreKept() throws Exception {
        fill("memory", "malformed", 30);
        Path file = directory.resolve("malformed.jsonl");
        assertThat(cli("export", "malformed", "-o", file.toString()).exitCode()).isZero();
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        lines.set(25, lines.get(25).replace("\"key\":\"k00024\"", "\"key\":\"not a key\""));
        assertThat(lines.get(25)).contains("not a key");
        Files.write(file, lines);

        Result imported = CommandLineProcess.run(Map.of("CACHE_DOMAIN_URL", url("embedded"), "CACHE_DOMAIN_ADMIN_KEY", ADMIN),
                "import", "malformed", "-i", file.toString(), "--batch", "10");

        assertThat(imported.exitCode()).as(imported.toString()).isEqualTo(1);
        assertThat(imported.err()).contains("line 26 key must be").contains("20 entries were written before it");
        assertThat(entries("embedded", "malformed")).isEqualTo(20);

        Result replaced = CommandLineProcess.run(Map.of("CACHE_DOMAIN_URL", url("embedded"), "CACHE_DOMAIN_ADMIN_KEY", ADMIN),
                "import", "malformed", "-i", file.toString(), "--batch", "10", "--mode", "replace");
        assertThat(replaced.exitCode()).as(replaced.toString()).isEqualTo(1);
        assertThat(replaced.err()).contains("line 26 key must be");
        assertThat(entries("embedded", "malformed")).as("a replace the service refuses in part empties nothing").isEqualTo(20);

        Files.write(file, lines.subList(0, 12));
        Result cut = CommandLineProcess.run(Map.of("CACHE_DOMAIN_URL", url("embedded"), "CACHE_DOMAIN_ADMIN_KEY", ADMIN),
                "import", "cut", "-i", file.toString());
        assertThat(cut.exitCode()).isEqualTo(1);
        assertThat(cut.err()).contains("the end line is missing after line 12");
        assertThat(entries("embedded", "cut")).as("an incomplete file writes nothing").isZero();
    }

    @Test
    void migratesInEachDirectionBetweenTheThreeStoresAndValidatesClean() throws Exception {
        for (String from : services.keySet()) {
            for (String to : services.keySet()) {
                if (from.equals(to)) {
                    continue;
                }
                String project = "migrated-" + from + "-" + to;
                fillByImport(from, project, 2_000);
                ServiceProcess source = services.get(from);
                assertThat(source.send("POST", "/v1/projects/" + project + "/progress", ADMIN,
                        "{\"correlationId\": \"nightly\", \"totalSteps\": 4, \"message\": \"started\"}").statusCode()).isEqualTo(201);
                assertThat(source.send("POST", "/v1/projects/" + project + "/progress/nightly/steps", ADMIN,
                        "{\"increment\": 2, \"message\": \"half\"}").statusCode()).isEqualTo(200);
                String queue = "/v1/projects/" + project + "/queues/mail/tasks";
                String waiting = JSON.readTree(source.send("POST", queue, ADMIN, "{\"payload\": {\"to\": \"ada\"}, \"priority\": 1}")
                        .body()).path("id").asText();
                String later = JSON.readTree(source.send("POST", queue, ADMIN, "{\"payload\": {\"to\": \"bob\"}, \"delaySeconds\": 900}")
                        .body()).path("id").asText();
                JsonNode session = JSON.readTree(source.send("POST", "/v1/sessions", ADMIN, "{\"userId\": \"user-" + project
                        + "\", \"userData\": {\"n\": 1}, \"projectAccess\": [\"" + project + "\"]}").body());
                assertThat(source.send("PUT", "/v1/rate-limit-policies/" + project, ADMIN,
                        "{\"limits\": [{\"requests\": 5, \"windowSeconds\": 60}]}").statusCode()).isEqualTo(201);

                Result migrated = CommandLineProcess.run(Map.of("CACHE_DOMAIN_ADMIN_KEY", ADMIN), "migrate", "--from", url(from),
                        "--to", url(to), "--project", project, "--batch", "500", "--validate", "--policies", "--include-credentials");

                assertThat(migrated.exitCode()).as("%s to %s: %s", from, to, migrated).isZero();
                assertThat(migrated.out()).contains(project + ": written 2,000 of 2,000 entries, 0 unchanged, 0 conflicts")
                        .contains("tasks: 2 stored")
                        .contains(project + ": consistent - source 2,000 entries, target 2,000, matched 2,000");
                assertThat(entries(to, project)).isEqualTo(2_000);
                ServiceProcess target = services.get(to);
                for (String task : List.of(waiting, later)) {
                    JsonNode moved = JSON.readTree(target.send("GET", queue + "/" + task, ADMIN, null).body());
                    assertThat(moved).as("%s to %s: task %s, every field", from, to, task)
                            .isEqualTo(JSON.readTree(source.send("GET", queue + "/" + task, ADMIN, null).body()));
                }
                assertThat(JSON.readTree(target.send("GET", queue + "/" + later, ADMIN, null).body()).path("state").asText())
                        .isEqualTo("SCHEDULED");
                assertThat(target.send("POST", "/v1/sessions/validate", ADMIN, "{\"token\": \"" + session.path("token").asText() + "\"}")
                        .statusCode()).as("%s to %s: the session's token", from, to).isEqualTo(200);
                assertThat(target.send("GET", "/v1/rate-limit-policies/" + project, ADMIN, null).statusCode()).isEqualTo(200);
                assertThat(progressOf(migrated).path("status").asText()).as("the move, told through the target's progress")
                        .isEqualTo("COMPLETED");
                sameEntries(from, to, project);
                JsonNode nightly = JSON.readTree(services.get(to).send("GET", "/v1/projects/" + project + "/progress/nightly", ADMIN, null)
                        .body());
                assertThat(nightly.path("currentStep").asLong()).as("%s to %s: the progress operation moved", from, to).isEqualTo(2);
                assertThat(nightly.path("message").asText()).isEqualTo("half");
                assertThat(nightly.path("lastEventId").asLong()).isEqualTo(2);
            }
        }
    }

    /** Checked apart from the command line's own validation: every entry's value, tags and creation the same, versions no lower, expiry within a second. */
    private static void sameEntries(String from, String to, String project) throws Exception {
        Map<String, JsonNode> there = support.ExportFiles.entries(services.get(from).send("GET", "/v1/admin/projects/" + project + "/export",
                ADMIN, null).body());
        Map<String, JsonNode> here = support.ExportFiles.entries(services.get(to).send("GET", "/v1/admin/projects/" + project + "/export",
                ADMIN, null).body());
        assertThat(here.keySet()).as("%s to %s", from, to).containsExactlyElementsOf(there.keySet());
        for (Map.Entry<String, JsonNode> e : there.entrySet()) {
            JsonNode moved = here.get(e.getKey());
            for (String field : List.of("value", "tags", "createdAt")) {
                assertThat(moved.path(field).toString()).as("%s to %s: %s of %s", from, to, field, e.getKey())
                        .isEqualTo(e.getValue().path(field).toString());
            }
            assertThat(moved.path("version").asLong()).isGreaterThanOrEqualTo(e.getValue().path("version").asLong());
            assertThat(java.time.Duration.between(java.time.Instant.parse(e.getValue().path("expiresAt").asText()),
                    java.time.Instant.parse(moved.path("expiresAt").asText())).abs()).isLessThanOrEqualTo(java.time.Duration.ofSeconds(1));
        }
    }

    @Test
    void aDryRunReportsWhatWouldMoveAndChangesNothing() throws Exception {
        fill("embedded", "dry", 60);

        Result dry = CommandLineProcess.run(Map.of("CACHE_DOMAIN_ADMIN_KEY", ADMIN), "migrate", "--from", url("embedded"),
                "--to", url("redis"), "--project", "dry", "--dry-run", "--checkpoint", directory.resolve("dry.json").toString());

        assertThat(dry.exitCode()).as(dry.toString()).isZero();
        assertThat(dry.out()).contains("dry: would write 60 of 60 entries");
        assertThat(entries("redis", "dry")).isZero();
        assertThat(Files.exists(directory.resolve("dry.json"))).as("a dry run writes no checkpoint").isFalse();
        Result validation = CommandLineProcess.run(Map.of("CACHE_DOMAIN_ADMIN_KEY", ADMIN), "migrate", "--from", url("embedded"),
                "--to", url("redis"), "--project", "dry", "--validate-only", "--json");
        assertThat(validation.exitCode()).as("differences found").isEqualTo(4);
        JsonNode result = JSON.readTree(validation.out()).path("validations").get(0);
        assertThat(result.path("consistent").asBoolean()).isFalse();
        assertThat(result.path("missingCount").asLong()).isEqualTo(60);
        assertThat(result.path("missing")).hasSize(60);
    }

    @Test
    void refusesToMigrateAServiceIntoItselfUnderAnotherName() throws Exception {
        String sameService = "http://localhost:" + services.get("memory").port();

        Result refused = CommandLineProcess.run(Map.of("CACHE_DOMAIN_ADMIN_KEY", ADMIN), "migrate", "--from", url("memory"),
                "--to", sameService, "--mode", "replace");

        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.err()).contains("name the same service");
        Result badUrl = CommandLineProcess.run(Map.of("CACHE_DOMAIN_ADMIN_KEY", ADMIN), "status", "--url", "localhost:8080");
        assertThat(badUrl.exitCode()).isEqualTo(2);
        assertThat(badUrl.err()).contains("must be an http:// or https:// URL");
    }

    @Test
    void copiesTheStoredRateLimitPoliciesWithTheProjectsOnce() throws Exception {
        assertThat(services.get("embedded").send("PUT", "/v1/rate-limit-policies/moved-policy", ADMIN,
                "{\"limits\": [{\"requests\": 7, \"windowSeconds\": 60}], \"burst\": 1, \"failMode\": \"closed\"}").statusCode())
                .isEqualTo(201);
        String moved = JSON.readTree(services.get("embedded").send("POST", "/v1/admin/api-keys", ADMIN,
                "{\"name\": \"moved-key\", \"projects\": [\"no-data-here\"], \"scopes\": [\"cache:read\"]}").body()).path("key").asText();
        String[] migrate = {"migrate", "--from", url("embedded"), "--to", url("memory"), "--project", "no-data-here", "--policies",
            "--include-credentials"};

        Result first = CommandLineProcess.run(Map.of("CACHE_DOMAIN_ADMIN_KEY", ADMIN), migrate);

        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.out()).containsPattern("rate-limit policies: written [1-9]").containsPattern("credentials: written [1-9]");
        assertThat(services.get("memory").send("GET", "/v1/projects/no-data-here/cache/anything", moved, null).statusCode())
                .as("the key, with its secret, works on the target").isEqualTo(404);
        JsonNode copied = JSON.readTree(services.get("memory").send("GET", "/v1/rate-limit-policies/moved-policy", ADMIN, null).body());
        assertThat(copied.path("limits").get(0).path("requests").asLong()).isEqualTo(7);
        assertThat(copied.path("failMode").asText()).isEqualTo("closed");
        assertThat(copied.path("source").asText()).isEqualTo("stored");
        Result second = CommandLineProcess.run(Map.of("CACHE_DOMAIN_ADMIN_KEY", ADMIN), migrate);
        assertThat(second.out()).contains("rate-limit policies: written 0").contains("credentials: written 0 of");
    }

    @Test
    void backsUpAWholeServiceIntoADirectoryAndRestoresItOnAnotherStore() throws Exception {
        fill("embedded", "backed-up", 30);
        fill("embedded", "backed-up-too", 10);
        assertThat(services.get("embedded").send("POST", "/v1/projects/backed-up/progress", ADMIN,
                "{\"correlationId\": \"nightly\", \"totalSteps\": 3}").statusCode()).isEqualTo(201);
        assertThat(services.get("embedded").send("PUT", "/v1/rate-limit-policies/backed-up-policy", ADMIN,
                "{\"limits\": [{\"requests\": 9, \"windowSeconds\": 60}]}").statusCode()).isEqualTo(201);
        JsonNode session = JSON.readTree(services.get("embedded").send("POST", "/v1/sessions", ADMIN,
                "{\"userId\": \"backed-up-user\", \"userData\": {\"n\": 1.50}, \"projectAccess\": [\"backed-up\"]}").body());
        Path backup = directory.resolve("backup");

        Result exported = CommandLineProcess.run(Map.of("CACHE_DOMAIN_URL", url("embedded"), "CACHE_DOMAIN_ADMIN_KEY", ADMIN),
                "export", "--all", "-o", backup.toString());

        assertThat(exported.exitCode()).as(exported.toString()).isZero();
        assertThat(exported.out()).contains("backed-up: 30 entries, 1 progress operations").contains("backed-up-too: 10 entries");
        JsonNode manifest = JSON.readTree(backup.resolve("manifest.json").toFile());
        assertThat(manifest.path("projects").findValuesAsText("project")).contains("backed-up", "backed-up-too");
        assertThat(Files.readString(backup.resolve("policies.json"))).contains("backed-up-policy");

        Result restored = CommandLineProcess.run(Map.of("CACHE_DOMAIN_URL", url("redis"), "CACHE_DOMAIN_ADMIN_KEY", ADMIN),
                "import", "--all", "-i", backup.toString());

        assertThat(restored.exitCode()).as(restored.toString()).isZero();
        assertThat(restored.out()).contains("backed-up: written 30 of 30 entries").contains("rate-limit policies: written");
        assertThat(entries("redis", "backed-up")).isEqualTo(30);
        assertThat(entries("redis", "backed-up-too")).isEqualTo(10);
        assertThat(services.get("redis").send("GET", "/v1/projects/backed-up/progress/nightly", ADMIN, null).statusCode()).isEqualTo(200);
        assertThat(services.get("redis").send("GET", "/v1/rate-limit-policies/backed-up-policy", ADMIN, null).statusCode()).isEqualTo(200);
        String validate = "{\"token\": \"" + session.path("token").asText() + "\"}";
        assertThat(restored.err()).contains("add --include-credentials");
        assertThat(services.get("redis").send("POST", "/v1/sessions/validate", ADMIN, validate).statusCode()).isEqualTo(401);

        Result withCredentials = CommandLineProcess.run(Map.of("CACHE_DOMAIN_URL", url("redis"), "CACHE_DOMAIN_ADMIN_KEY", ADMIN),
                "import", "--all", "-i", backup.toString(), "--include-credentials");

        assertThat(withCredentials.exitCode()).as(withCredentials.toString()).isZero();
        assertThat(withCredentials.out()).containsPattern("credentials: written \\d+ of \\d+ API keys .*, [1-9]\\d* of [1-9]\\d* sessions");
        assertThat(services.get("redis").send("POST", "/v1/sessions/validate", ADMIN, validate).statusCode())
                .as("the session's token opens it on the other store").isEqualTo(200);
        Result notABackup = CommandLineProcess.run(Map.of("CACHE_DOMAIN_URL", url("redis"), "CACHE_DOMAIN_ADMIN_KEY", ADMIN),
                "import", "--all", "-i", directory.toString());
        assertThat(notABackup.exitCode()).isEqualTo(2);
        assertThat(notABackup.err()).contains("holds no manifest.json");
        ObjectNode crafted = manifest.deepCopy();
        ((com.fasterxml.jackson.databind.node.ArrayNode) crafted.path("projects")).addObject().put("project", "../outside").put("file", "../outside.jsonl");
        Files.writeString(backup.resolve("manifest.json"), crafted.toString());
        Result outside = CommandLineProcess.run(Map.of("CACHE_DOMAIN_URL", url("redis"), "CACHE_DOMAIN_ADMIN_KEY", ADMIN),
                "import", "--all", "-i", backup.toString(), "--dry-run");
        assertThat(outside.exitCode()).as("checked before anything is written").isEqualTo(2);
        assertThat(outside.err()).contains("not a project id: ../outside");
    }

    @Test
    void aMigrationKilledHalfWayResumesFromItsCheckpointAndValidatesClean() throws Exception {
        fill("memory", "resumed", 2_000);
        Path checkpoint = directory.resolve("resumed.json");
        Map<String, String> env = Map.of("CACHE_DOMAIN_ADMIN_KEY", ADMIN);
        String[] migrate = {"migrate", "--from", url("memory"), "--to", url("redis"), "--project", "resumed", "--batch", "20",
                "--checkpoint", checkpoint.toString()};

        CommandLineProcess first = CommandLineProcess.start(env, migrate);
        org.awaitility.Awaitility.await("a few batches acknowledged").atMost(java.time.Duration.ofSeconds(60))
                .pollInterval(java.time.Duration.ofMillis(10))
                .until(() -> written(checkpoint) >= 200 || !first.isAlive());
        first.kill();
        long before = written(checkpoint);
        assertThat(before).as("killed half-way, not after the end").isBetween(200L, 1_980L);
        assertThat(JSON.readTree(checkpoint.toFile()).path("projects").path("resumed").path("done").asBoolean()).isFalse();

        Result second = CommandLineProcess.run(env, Stream.concat(Stream.of(migrate), Stream.of("--validate")).toArray(String[]::new));

        assertThat(second.exitCode()).as(second.toString()).isZero();
        assertThat(second.out()).contains("(resumed after k").contains("resumed: consistent - source 2,000 entries, target 2,000");
        JsonNode state = JSON.readTree(checkpoint.toFile()).path("projects").path("resumed");
        assertThat(state.path("done").asBoolean()).isTrue();
        assertThat(state.path("written").asLong()).as("each entry written once, over both runs").isLessThanOrEqualTo(2_000)
                .isGreaterThanOrEqualTo(2_000 - 20);
        assertThat(entries("redis", "resumed")).isEqualTo(2_000);
        Result third = CommandLineProcess.run(env, migrate);
        assertThat(third.out()).contains("resumed: done in an earlier run");
        Result otherMode = CommandLineProcess.run(env, Stream.concat(Stream.of(migrate), Stream.of("--mode", "replace")).toArray(String[]::new));
        assertThat(otherMode.exitCode()).isEqualTo(2);
        assertThat(otherMode.err()).contains("is of a migration in mode merge");
    }

    /** The state of the progress operation a command said it reports through. */
    private static JsonNode progressOf(Result result) throws Exception {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("progress: curl -N (http://[^ ]+)/events").matcher(result.err());
        assertThat(m.find()).as("where to follow the progress, in %s", result).isTrue();
        java.net.URI state = java.net.URI.create(m.group(1));
        ServiceProcess service = services.values().stream().filter(s -> s.port() == state.getPort()).findFirst().orElseThrow();
        return JSON.readTree(service.send("GET", state.getPath(), ADMIN, null).body());
    }

    private static long written(Path checkpoint) {
        try {
            return Files.exists(checkpoint) ? JSON.readTree(checkpoint.toFile()).path("projects").path("resumed").path("written").asLong() : 0;
        } catch (java.io.IOException e) {
            return 0; // replaced while read
        }
    }
}
