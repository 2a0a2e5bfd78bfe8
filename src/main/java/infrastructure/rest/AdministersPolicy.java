package infrastructure.rest;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an endpoint that reads, replaces or deletes the policy named by its {@code {name}} path
 * parameter: on the policy {@code api}, an administrator's request does not count against it
 * ({@link domain.ratelimit.ApiPolicy#counts}), so that no setting of it locks administration out.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface AdministersPolicy {

    /** The path parameter that names the policy. */
    String NAME_PARAMETER = "name";
}
