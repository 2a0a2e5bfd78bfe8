package deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import org.junit.jupiter.api.Test;
import support.Promtool;

/** The Prometheus rules are valid, and their alerts fire when they should and only then (promtool's rule tests). */
class AlertRulesTest {

    private static final File RULES = new File("deploy/prometheus");

    @Test
    void theRulesAreValid() throws Exception {
        assertThat(Promtool.run(RULES, "check", "rules", "alerts.yaml")).contains("SUCCESS");
    }

    @Test
    void theAlertsFireWhenTheyShouldAndOnlyThen() throws Exception {
        assertThat(Promtool.run(RULES, "test", "rules", "alerts-test.yaml")).contains("SUCCESS");
    }
}
