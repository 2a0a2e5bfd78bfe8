package deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import support.PromQl;
import support.Promtool;

/**
 * The Grafana dashboard (deploy/grafana/cache-domain.json) is one Grafana loads and one an operator can read: every
 * query parses (promtool), panels do not overlap, each capability has its rate, errors, latency and degraded answers,
 * and the rest of what the service exposes has a panel. That the metrics exist is {@code DashboardMetricsOnRedisTest}'s.
 */
class DashboardTest {

    private static final Path DASHBOARD = Path.of("deploy/grafana/cache-domain.json");
    private static JsonNode dashboard;
    private static List<JsonNode> panels;

    @BeforeAll
    static void read() throws Exception {
        dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        panels = new ArrayList<>();
        dashboard.get("panels").forEach(panels::add);
    }

    private static List<JsonNode> graphs() {
        return panels.stream().filter(panel -> !panel.get("type").asText().equals("row")).toList();
    }

    private static String queries(JsonNode panel) {
        List<String> expressions = new ArrayList<>();
        panel.path("targets").forEach(target -> expressions.add(target.get("expr").asText()));
        return String.join("\n", expressions);
    }

    @Test
    void everyQueryParses(@TempDir Path directory) throws Exception {
        List<String> expressions = PromQl.dashboardExpressions(DASHBOARD);
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        for (int i = 0; i < expressions.size(); i++) {
            String expression = PromQl.withVariablesSet(expressions.get(i)).replace("'", "''");
            rules.append("      - record: dashboard:query_").append(i).append("\n        expr: '").append(expression).append("'\n");
        }
        Files.writeString(directory.resolve("queries.yaml"), rules);

        assertThat(expressions).hasSizeGreaterThan(30);
        assertThat(Promtool.run(new File(directory.toString()), "check", "rules", "queries.yaml"))
                .contains("SUCCESS: " + expressions.size() + " rules found");
    }

    @Test
    void everyPanelHasItsOwnIdAndPlaceAndAsksThePrometheusTheUserChose() {
        Set<Integer> ids = new HashSet<>();
        List<int[]> places = new ArrayList<>();
        for (JsonNode panel : panels) {
            assertThat(ids.add(panel.get("id").asInt())).as("panel id %s is unique", panel.get("id")).isTrue();
            JsonNode at = panel.get("gridPos");
            int[] place = {at.get("x").asInt(), at.get("y").asInt(), at.get("w").asInt(), at.get("h").asInt()};
            assertThat(place[0] + place[2]).as("%s fits the grid's 24 columns", panel.get("title")).isLessThanOrEqualTo(24);
            for (int[] other : places) {
                boolean apart = place[0] >= other[0] + other[2] || other[0] >= place[0] + place[2]
                        || place[1] >= other[1] + other[3] || other[1] >= place[1] + place[3];
                assertThat(apart).as("%s overlaps another panel", panel.get("title")).isTrue();
            }
            places.add(place);
        }
        assertThat(graphs()).allSatisfy(panel -> {
            assertThat(panel.at("/datasource/uid").asText()).isEqualTo("${datasource}");
            assertThat(panel.get("targets")).isNotEmpty().allSatisfy(target -> {
                assertThat(target.at("/datasource/uid").asText()).isEqualTo("${datasource}");
                assertThat(target.get("expr").asText()).as("filtered by the instances chosen").contains("instance=~\"$instance\"");
            });
        });
        assertThat(dashboard.at("/templating/list/0/type").asText()).isEqualTo("datasource");
        assertThat(dashboard.at("/templating/list/0/query").asText()).isEqualTo("prometheus");
    }

    @Test
    void eachCapabilityHasItsRateErrorsLatencyAndDegradedAnswers() {
        JsonNode row = panels.stream().filter(panel -> panel.path("repeat").asText().equals("capability")).findFirst().orElseThrow();
        int y = row.at("/gridPos/y").asInt();
        // A repeated row repeats the panels below it, up to the next row.
        int next = panels.stream().filter(panel -> panel.get("type").asText().equals("row") && panel.at("/gridPos/y").asInt() > y)
                .mapToInt(panel -> panel.at("/gridPos/y").asInt()).min().orElseThrow();
        List<String> repeated = graphs().stream().filter(panel -> panel.at("/gridPos/y").asInt() > y
                && panel.at("/gridPos/y").asInt() < next).map(DashboardTest::queries).toList();
        List<String> variables = new ArrayList<>();
        dashboard.at("/templating/list").forEach(variable -> variables.add(variable.get("name").asText() + ": "
                + variable.path("definition").asText()));

        assertThat(variables).contains("capability: label_values(operations_seconds_count, capability)");
        assertThat(repeated).allSatisfy(query -> assertThat(query).contains("capability=~\"$capability\""));
        assertThat(repeated).anySatisfy(query -> assertThat(query).contains("rate(operations_seconds_count").doesNotContain("outcome=~"));
        assertThat(repeated).anySatisfy(query -> assertThat(query).contains("outcome=~\"unavailable|failed\""));
        assertThat(repeated).anySatisfy(query -> assertThat(query).contains("histogram_quantile(0.99", "operations_seconds_bucket"));
        assertThat(repeated).anySatisfy(query -> assertThat(query).contains("operations_degraded_total"));
    }

    @Test
    void aRatioOfFailuresReadsZeroRatherThanNoDataWhenNothingFailed() throws Exception {
        // Micrometer makes a series on its first sample: with no 5xx since the start, a ratio over them has no series
        // (a panel with no data) exactly while the SLO is met, unless the failures fall back to zero.
        List<String> ratios = PromQl.dashboardExpressions(DASHBOARD).stream()
                .filter(query -> query.contains("status=~\"5..\"") || query.contains("outcome=~\"unavailable|failed\"")).toList();

        assertThat(ratios).hasSize(3).allSatisfy(query -> assertThat(query).contains(" or "));
    }

    @Test
    void breakersStoreLatencyEventStreamsAndQueuesHavePanels() throws Exception {
        String all = String.join("\n", PromQl.dashboardExpressions(DASHBOARD));

        assertThat(all).contains("breaker_state", "redis_commands_duration_seconds", "redis_pool_queue_delay_seconds_max",
                "progress_streams_open", "progress_delivery_seconds_bucket", "tasks_queue_depth",
                "tasks_queue_oldest_age_seconds", "cache_near_state", "http_server_requests_seconds_count{instance=~\"$instance\",status=~\"5..\"}");
    }
}
