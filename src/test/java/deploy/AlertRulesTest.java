package deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The Prometheus rules are valid, and their alerts fire when they should and only then (promtool's rule tests). */
class AlertRulesTest {

    private static String promtool(String... args) throws IOException, InterruptedException {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("promtool"));
        command.addAll(java.util.List.of(args));
        Process process;
        try {
            process = new ProcessBuilder(command).directory(new java.io.File("deploy/prometheus")).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("these tests need promtool (apt-get install prometheus; .ci/run installs it)", e);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as("promtool %s:%n%s", String.join(" ", args), output).isZero();
        return output;
    }

    @Test
    void theRulesAreValid() throws Exception {
        assertThat(promtool("check", "rules", "alerts.yaml")).contains("SUCCESS");
    }

    @Test
    void theAlertsFireWhenTheyShouldAndOnlyThen() throws Exception {
        assertThat(promtool("test", "rules", "alerts-test.yaml")).contains("SUCCESS");
    }
}
