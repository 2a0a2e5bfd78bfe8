package infrastructure.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import org.junit.jupiter.api.Test;

class ObservabilityTest {

    private static Meter.Id request(String status, String uri) {
        return new Meter.Id("http.server.requests", Tags.of("method", "GET", "status", status, "uri", uri), null, null,
                Meter.Type.TIMER);
    }

    @Test
    void namesARequestTheClientGaveUpOnUnknownInsteadOfByItsRawPath() {
        Meter.Id reset = Observability.withoutRawPath(request("RESET", "/v1/projects/shop/cache/user:42:email"));

        assertThat(reset.getTag("uri")).isEqualTo("UNKNOWN");
        assertThat(reset.getTag("method")).isEqualTo("GET");
    }

    @Test
    void keepsTheRouteTemplateOfEveryOtherRequest() {
        Meter.Id ok = request("200", "/v1/projects/{projectId}/cache/{key}");

        assertThat(Observability.withoutRawPath(ok)).isEqualTo(ok);
    }
}
