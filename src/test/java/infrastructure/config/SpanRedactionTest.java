package infrastructure.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SpanRedactionTest {

    @Test
    void replacesACacheKeyInThePathByItsPlaceholder() {
        assertThat(SpanRedaction.path("/v1/projects/shop/cache/user:42:email")).isEqualTo("/v1/projects/shop/cache/{key}");
    }

    @Test
    void replacesARateLimitIdentifierInThePathByItsPlaceholder() {
        assertThat(SpanRedaction.path("/v1/projects/shop/rate-limits/login/ip/203.0.113.9"))
                .isEqualTo("/v1/projects/shop/rate-limits/login/ip/{identifier}");
    }

    @Test
    void leavesPathsWithoutTenantDataAlone() {
        assertThat(SpanRedaction.path("/v1/projects/shop/cache")).isEqualTo("/v1/projects/shop/cache");
        assertThat(SpanRedaction.path("/v1/projects/shop/rate-limits/check")).isEqualTo("/v1/projects/shop/rate-limits/check");
        assertThat(SpanRedaction.path("/q/health/ready")).isEqualTo("/q/health/ready");
    }

    @Test
    void keepsQueryNamesAndDropsTheirValues() {
        assertThat(SpanRedaction.query("pattern=user:*&limit=100&cursor=dXNlcjo0Mg")).isEqualTo(
                "pattern=redacted&limit=redacted&cursor=redacted");
    }

    @Test
    void dropsAQueryPartWithoutANameToo() {
        assertThat(SpanRedaction.query("card-4111&limit=5")).isEqualTo("redacted&limit=redacted");
    }
}
