package application;

import jakarta.interceptor.InterceptorBinding;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a use case class whose operations are measured by {@link MeasuredInterceptor}: every method
 * with a span named {@code <capability>.<operation>} ({@code @WithSpan("cache.read")}) is timed and
 * counted by outcome, and its span carries the operation and the outcome.
 */
@InterceptorBinding
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface Measured {
}
