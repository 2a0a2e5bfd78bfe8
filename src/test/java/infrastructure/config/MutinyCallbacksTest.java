package infrastructure.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smallrye.mutiny.infrastructure.Infrastructure;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Mutiny runs the service's callbacks as they are: no decorator wraps them to carry a context
 * (pom.xml leaves Mutiny's context propagation module out; each request's Vert.x context holds its own).
 */
class MutinyCallbacksTest {

    @Test
    void decoratesNoCallback() {
        Function<String, String> callback = String::trim;

        assertThat(Infrastructure.decorate(callback)).isSameAs(callback);
    }

    @Test
    void leavesMutinysContextPropagationModuleOutOfTheBuild() {
        assertThatThrownBy(() -> Class.forName("io.smallrye.mutiny.context.DefaultContextPropagationInterceptor"))
                .isInstanceOf(ClassNotFoundException.class);
    }
}
