package application;

import jakarta.enterprise.util.Nonbinding;
import jakarta.interceptor.InterceptorBinding;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs an operation (a method that returns a {@code Uni}) under its capability's {@link StoreGuard},
 * named by one of {@link Guards}' names: {@code @Guarded(Guards.CACHE)}.
 */
@InterceptorBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface Guarded {

    /** The guard's name, one of {@link Guards}'. */
    @Nonbinding
    String value();
}
