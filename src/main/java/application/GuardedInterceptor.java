package application;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Applies {@link Guarded}: the method's operation runs under the named {@link StoreGuard}. It runs
 * inside fault tolerance's own interceptor (priority 4010), so that a {@code @Fallback} answers the
 * guard's failures, and inside {@link MeasuredInterceptor}, which sees what the caller sees.
 */
@Guarded("")
@Interceptor
@Priority(Interceptor.Priority.PLATFORM_AFTER + 20)
public class GuardedInterceptor {

    private final Instance<StoreGuard> guards;
    /** Each method's guard, looked up once. */
    private final Map<Method, StoreGuard> byMethod = new ConcurrentHashMap<>();

    public GuardedInterceptor(@Any Instance<StoreGuard> guards) {
        this.guards = guards;
    }

    @AroundInvoke
    Object guard(InvocationContext invocation) {
        StoreGuard guard = byMethod.computeIfAbsent(invocation.getMethod(), this::guardOf);
        return guard.get(() -> {
            try {
                return (Uni<?>) invocation.proceed();
            } catch (Exception failure) {
                return Uni.createFrom().failure(failure);
            }
        });
    }

    private StoreGuard guardOf(Method method) {
        if (!Uni.class.isAssignableFrom(method.getReturnType())) {
            throw new IllegalStateException("a guarded operation returns a Uni: " + method);
        }
        Guarded named = method.getAnnotation(Guarded.class);
        if (named == null) {
            named = method.getDeclaringClass().getAnnotation(Guarded.class);
        }
        return guards.select(Identifier.Literal.of(named.value())).get();
    }
}
