package infrastructure.rest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The rules by which {@link DirectRoutes} takes a request or leaves it to RESTEasy Reactive. */
class DirectRoutesRulesTest {

    @Test
    void takesAnAcceptThatAdmitsJson() {
        assertThat(DirectRoutes.acceptsJson(null)).isTrue();
        assertThat(DirectRoutes.acceptsJson("*/*")).isTrue();
        assertThat(DirectRoutes.acceptsJson("application/json")).isTrue();
        assertThat(DirectRoutes.acceptsJson("text/html, Application/*;q=0.2")).isTrue();
        assertThat(DirectRoutes.acceptsJson("application/json; q=0.5")).isTrue();
    }

    @Test
    void leavesAnAcceptThatRulesJsonOutToRestEasy() {
        assertThat(DirectRoutes.acceptsJson("text/plain")).isFalse();
        assertThat(DirectRoutes.acceptsJson("application/problem+json")).isFalse();
        assertThat(DirectRoutes.acceptsJson("application/json;q=0")).isFalse();
        assertThat(DirectRoutes.acceptsJson("*/*; q=0.0, text/html")).isFalse();
    }

    @Test
    void takesOnlyJsonInUtf8AsABody() {
        assertThat(DirectRoutes.isJson("application/json")).isTrue();
        assertThat(DirectRoutes.isJson("Application/JSON; charset=UTF-8")).isTrue();
        assertThat(DirectRoutes.isJson("application/json;charset=\"utf-8\"")).isTrue();
        assertThat(DirectRoutes.isJson(null)).isFalse();
        assertThat(DirectRoutes.isJson("text/plain")).isFalse();
        assertThat(DirectRoutes.isJson("application/json; charset=ISO-8859-1")).isFalse();
        assertThat(DirectRoutes.isJson("application/json-patch+json")).isFalse();
    }

    @Test
    void findsEachServedEndpointByItsResourceMethod() {
        assertThat(DirectRoutes.endpointMethod(CacheResource.class, "get").getParameterCount()).isEqualTo(3);
        assertThat(DirectRoutes.endpointMethod(ProgressResource.class, "step").getParameterCount()).isEqualTo(3);
    }
}
