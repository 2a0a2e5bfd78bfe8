package infrastructure.rest;

import domain.access.Scope;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The scope an endpoint needs, on the project of its {@code {projectId}} path parameter when it has
 * one: {@link EndpointAccess} refuses a caller without it (403) before any of the body is read. The
 * use case checks the same rule again; an endpoint whose rule is more than one scope (a choice of
 * two, or a rule on the body's content) names the part every caller needs, or nothing.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Requires {

    Scope value();

    /** True where the scope is needed on every project (a use case of the whole service, such as its credentials). */
    boolean serviceWide() default false;
}
