package cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A migration's validation, on exports written here: what it counts as the same, and each kind of difference. */
class ComparisonTest {

    private static final String HEADER = "{\"type\":\"header\",\"format\":\"cache-domain-export\",\"version\":1,\"project\":\"shop\"}";

    /** An export holding these cache lines, its end line counting them. */
    private static BufferedReader export(String... entries) {
        List<String> lines = new ArrayList<>();
        lines.add(HEADER);
        lines.addAll(List.of(entries));
        lines.add("{\"type\":\"end\",\"records\":" + entries.length + ",\"unreadable\":0}");
        return new BufferedReader(new StringReader(String.join("\n", lines) + "\n"));
    }

    private static String entry(String key, String value, long version, String tags, String expiresAt, long ttlMillis) {
        return "{\"type\":\"cache\",\"key\":\"" + key + "\",\"value\":" + value + ",\"version\":" + version + ",\"tags\":" + tags
                + ",\"createdAt\":\"2026-12-06T08:00:00.000Z\",\"expiresAt\":\"" + expiresAt + "\",\"ttlMillis\":" + ttlMillis + "}";
    }

    private static String entry(String key, String value) {
        return entry(key, value, 1, "[]", "2026-12-06T09:00:00.000Z", 600_000);
    }

    @Test
    void findsTwoExportsOfTheSameEntriesConsistentWithinASecondOfExpiryAndWithHigherVersions() {
        JsonNode result = Comparison.of(
                export(entry("a", "{\"n\":1.50}"), entry("b", "[1,2]", 7, "[\"t\"]", "2026-12-06T09:00:00.000Z", 600_000)),
                export(entry("a", "{\"n\":1.50}"), entry("b", "[1,2]", 9, "[\"t\"]", "2026-12-06T09:00:00.900Z", 600_000)), "shop");

        assertThat(result.path("consistent").asBoolean()).isTrue();
        assertThat(result.path("keyCountMatch").asBoolean()).isTrue();
        assertThat(result.path("matched").asLong()).isEqualTo(2);
        assertThat(result.path("maxTtlDriftMillis").asLong()).isEqualTo(900);
    }

    @Test
    void namesEachKindOfDifference() {
        JsonNode result = Comparison.of(
                export(entry("a", "1"), entry("b", "{\"n\":1.50}"), entry("c", "1"), entry("d", "1", 5, "[\"x\"]",
                        "2026-12-06T09:00:00.000Z", 600_000), entry("e", "1", 5, "[]", "2026-12-06T09:00:00.000Z", 600_000)),
                export(entry("b", "{\"n\":1.5}"), entry("c", "1", 1, "[]", "2026-12-06T09:00:02.000Z", 600_000),
                        entry("d", "1", 5, "[\"y\"]", "2026-12-06T09:00:00.000Z", 600_000),
                        entry("e", "1", 4, "[]", "2026-12-06T09:00:00.000Z", 600_000), entry("f", "1")), "shop");

        assertThat(result.path("consistent").asBoolean()).as(result.toString()).isFalse();
        assertThat(result.path("missing").toString()).isEqualTo("[\"a\"]");
        assertThat(result.path("extra").toString()).isEqualTo("[\"f\"]");
        assertThat(result.path("valueMismatches").get(0).path("key").asText()).as("1.50 is not 1.5: numbers as written").isEqualTo("b");
        assertThat(result.path("valueMismatches").get(0).path("source").asText()).startsWith("sha256:").doesNotContain("1.5");
        assertThat(result.path("ttlMismatches")).as(result.toString()).hasSize(1);
        assertThat(result.path("ttlMismatches").get(0).path("key").asText()).isEqualTo("c");
        assertThat(result.path("ttlMismatches").get(0).path("driftMillis").asLong()).isEqualTo(2_000);
        assertThat(result.path("metadataMismatches").findValuesAsText("field")).containsExactly("tags", "version");
        assertThat(result.path("sourceEntries").asLong()).isEqualTo(5);
        assertThat(result.path("targetEntries").asLong()).isEqualTo(5);
        assertThat(result.path("keyCountMatch").asBoolean()).isFalse();
    }

    @Test
    void leavesOutEntriesAboutToExpireAndCountsThem() {
        JsonNode result = Comparison.of(export(entry("a", "1", 1, "[]", "2026-12-06T09:00:00.000Z", 1_500)), export(), "shop");

        assertThat(result.path("consistent").asBoolean()).isTrue();
        assertThat(result.path("settling").asLong()).isEqualTo(1);
    }

    @Test
    void refusesAnExportWithoutItsEndLine() {
        BufferedReader cut = new BufferedReader(new StringReader(HEADER + "\n" + entry("a", "1") + "\n"));

        assertThatThrownBy(() -> Comparison.of(export(entry("a", "1")), cut, "shop")).isInstanceOf(CliException.class)
                .hasMessageContaining("the target's export is incomplete");
    }
}
