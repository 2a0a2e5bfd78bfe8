package infrastructure.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import jakarta.ws.rs.Path;
import org.junit.jupiter.api.Test;

class AllowedMethodsTest {

    private final AllowedMethods allowed = new AllowedMethods();

    @Test
    void knowsEveryResourceClass() {
        assertThat(new ClassFileImporter().importPackages("infrastructure.rest").stream()
                .filter(c -> c.isAnnotatedWith(Path.class)).map(JavaClass::reflect).toList())
                .containsExactlyInAnyOrderElementsOf(AllowedMethods.RESOURCES);
    }

    @Test
    void listsOnlyTheMethodsOfTheEndpointsThatMatchThePath() {
        assertThat(allowed.header("/v1/projects/shop/cache/user:42")).isEqualTo("DELETE, GET, HEAD, OPTIONS, PUT");
        assertThat(allowed.header("/v1/projects/shop/cache/invalidations")).isEqualTo("DELETE, GET, HEAD, OPTIONS, POST, PUT");
        assertThat(allowed.header("/v1/projects/shop/cache")).isEqualTo("DELETE, GET, HEAD, OPTIONS");
        assertThat(allowed.header("/v1/sessions/current")).isEqualTo("DELETE, GET, HEAD, OPTIONS");
        assertThat(allowed.header("/v1/nowhere")).isNull();
    }
}
