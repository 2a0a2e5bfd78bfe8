package observability;

import static org.assertj.core.api.Assertions.assertThat;
import static support.Api.as;
import static support.Api.freshProject;
import static support.Api.keyFor;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import support.Metrics;
import support.PromQl;
import support.RedisStoreProfile;

/**
 * Every metric the Grafana dashboard (deploy/grafana/cache-domain.json) queries is in {@code /q/metrics} of a service
 * on Redis with the near cache on, once each capability has been used: a renamed meter fails here, not on an
 * operator's empty panel.
 */
@QuarkusTest
@TestProfile(RedisStoreProfile.class)
class DashboardMetricsOnRedisTest {

    @Test
    void exposesEveryMetricTheDashboardQueries() throws Exception {
        String project = freshProject();
        String key = keyFor(List.of(project), "cache:read", "cache:write", "sessions", "rate-limits", "progress", "tasks");
        String cache = "/v1/projects/" + project + "/cache/";
        as(key).body("{\"value\": 1}").put(cache + "k").then().statusCode(201);
        as(key).get(cache + "k").then().statusCode(200);
        as(key).get(cache + "k").then().statusCode(200);
        as(key).get(cache + "none").then().statusCode(404);
        String token = as(key).body("{\"userId\": \"u1\", \"projectAccess\": [\"" + project + "\"]}").post("/v1/sessions")
                .then().statusCode(201).extract().path("token");
        as(key).body("{\"token\": \"" + token + "\"}").post("/v1/sessions/validate").then().statusCode(200);
        as(key).body("{\"policy\": \"default\", \"scope\": \"user\", \"identifier\": \"u1\"}").post("/v1/projects/" + project + "/rate-limits/check")
                .then().statusCode(200);
        String progress = "/v1/projects/" + project + "/progress";
        as(key).body("{\"correlationId\": \"op\", \"totalSteps\": 2}").post(progress).then().statusCode(201);
        as(key).body("{\"message\": \"half\", \"increment\": 1}").post(progress + "/op/steps").then().statusCode(200);
        String queue = "/v1/projects/" + project + "/queues/board";
        as(key).body("{\"tasks\": [{\"payload\": 1}, {\"payload\": 2}, {\"payload\": 3}]}").post(queue + "/tasks/batch")
                .then().statusCode(201);
        JsonPath claimed = as(key).body("{\"max\": 3}").post(queue + "/claims").then().statusCode(200)
                .extract().jsonPath();
        List<String> ids = claimed.getList("tasks.id");
        List<String> leases = claimed.getList("tasks.leaseToken");
        assertThat(ids).hasSize(3);
        as(key).body("{\"leaseToken\": \"" + leases.get(0) + "\"}").post(queue + "/tasks/" + ids.get(0) + "/complete")
                .then().statusCode(200);
        as(key).body("{\"leaseToken\": \"" + leases.get(1) + "\", \"error\": \"again\"}")
                .post(queue + "/tasks/" + ids.get(1) + "/fail").then().statusCode(200);
        as(key).body("{\"leaseToken\": \"" + leases.get(2) + "\", \"error\": \"never\", \"retryable\": false}")
                .post(queue + "/tasks/" + ids.get(2) + "/fail").then().statusCode(200);
        List<String> expressions = PromQl.dashboardExpressions(Path.of("deploy/grafana/cache-domain.json"));
        Set<String> named = PromQl.metricNames(expressions);

        assertThat(named).contains("operations_seconds_bucket", "operations_degraded_total", "breaker_state",
                "redis_commands_duration_seconds_sum", "progress_streams_open", "tasks_queue_depth", "cache_near_state");
        List<PromQl.LabelMatcher> matchers = PromQl.labelMatchers(expressions);
        Awaitility.await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            List<Metrics.Sample> samples = Metrics.scrape().samples();
            Set<String> exposed = new HashSet<>();
            samples.forEach(sample -> exposed.add(sample.name()));
            assertThat(named).allSatisfy(name -> assertThat(exposed).as("%s, queried by the dashboard, is in /q/metrics", name)
                    .contains(name));
            // The labels it selects on exist (instance is Prometheus's own), and a value it asks for by name is one seen.
            assertThat(matchers).filteredOn(m -> !m.label().equals("instance")).allSatisfy(m -> {
                assertThat(samples).as("%s has the label %s", m.metric(), m.label())
                        .anyMatch(s -> s.name().equals(m.metric()) && s.labels().containsKey(m.label()));
                if (m.operator().equals("=") && !m.value().contains("$")) {
                    assertThat(samples).as("%s{%s=\"%s\"} is in /q/metrics", m.metric(), m.label(), m.value())
                            .anyMatch(s -> s.name().equals(m.metric()) && m.value().equals(s.labels().get(m.label())));
                }
            });
        });
    }
}
