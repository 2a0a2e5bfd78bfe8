package infrastructure.rest;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.ws.rs.HttpMethod;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class EndpointAccessTest {

    @Test
    void everyEndpointThatTakesABodyNamesTheScopeCheckedBeforeItIsRead() {
        List<Method> takingABody = AllowedMethods.RESOURCES.stream()
                .flatMap(resource -> Arrays.stream(resource.getMethods()))
                .filter(method -> isEndpoint(method) && takesABody(method))
                .toList();

        assertThat(takingABody).extracting(EndpointAccessTest::name)
                .contains("CacheResource.put", "SessionResource.create", "ProgressResource.step", "ApiKeyResource.create");
        assertThat(takingABody).filteredOn(method -> method.getAnnotation(Requires.class) == null)
                .extracting(EndpointAccessTest::name).isEmpty();
    }

    private static String name(Method method) {
        return method.getDeclaringClass().getSimpleName() + "." + method.getName();
    }

    private static boolean isEndpoint(Method method) {
        return Arrays.stream(method.getAnnotations())
                .anyMatch(a -> a.annotationType().isAnnotationPresent(HttpMethod.class));
    }

    /** A parameter without a JAX-RS annotation is the body. */
    private static boolean takesABody(Method method) {
        for (Parameter parameter : method.getParameters()) {
            boolean annotated = false;
            for (Annotation annotation : parameter.getAnnotations()) {
                annotated |= annotation.annotationType().getPackageName().startsWith("jakarta.ws.rs")
                        || annotation.annotationType().getPackageName().startsWith("org.jboss.resteasy");
            }
            if (!annotated) {
                return true;
            }
        }
        return false;
    }
}
