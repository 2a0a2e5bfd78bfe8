package infrastructure.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A path template matches whole segments, and decodes a parameter as Vert.x-Web decodes a path parameter. */
class PathTemplateTest {

    private final PathTemplate entry = PathTemplate.of("/v1/projects/{projectId}/cache/{key}");

    @Test
    void givesEachParameterOfAMatchingPath() {
        PathTemplate.Params params = entry.match("/v1/projects/p-1/cache/user:42");
        assertThat(params).isNotNull();
        assertThat(params.get("projectId")).isEqualTo("p-1");
        assertThat(params.get("key")).isEqualTo("user:42");
        assertThat(params.get("queue")).isNull();
        assertThat(PathTemplate.of("/v1/sessions/validate").match("/v1/sessions/validate")).isNotNull();
    }

    @Test
    void decodesAParameterAsVertxDoesAndKeepsAPlus() {
        PathTemplate.Params params = entry.match("/v1/projects/p/cache/a%2Fb%20c+d%C3%A9");
        assertThat(params.get("key")).isEqualTo("a/b c+d\u00e9");
    }

    @Test
    void failsOnAParameterWithAPercentThatBeginsNoEscape() {
        // Quarkus's root handler refuses such a target first; should one get through, DirectRoutes answers a 400 problem.
        assertThatThrownBy(() -> entry.match("/v1/projects/p/cache/%+1")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void matchesNoOtherPath() {
        for (String path : new String[] {"", "/", "v1/projects/p/cache/k", "/v1/projects/p/cache", "/v1/projects/p/cache/",
                "/v1/projects/p/cache/k/", "/v1/projects/p/cache/k/more", "/v1/projects//cache/k", "/v1/project/p/cache/k",
                "/v1/projects/p/caches/k", "/v1/projects/p/cach/k", "/v2/projects/p/cache/k", "/V1/projects/p/cache/k"}) {
            assertThat(entry.match(path)).as(path).isNull();
        }
        assertThat(entry.match(null)).isNull();
        assertThat(PathTemplate.of("/v1/sessions/validate").match("/v1/sessions/validated")).isNull();
    }

    @Test
    void refusesATemplateThatIsNotOne() {
        for (String template : new String[] {"v1/a", "/v1/a/", "/v1//a", "/v1/{}/a", "/v1/a{b}"}) {
            assertThatThrownBy(() -> PathTemplate.of(template)).as(template).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
