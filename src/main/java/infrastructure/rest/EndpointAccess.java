package infrastructure.rest;

import application.Access;
import domain.InvalidValueException;
import domain.access.Principal;
import domain.project.ProjectId;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Refuses a caller the endpoint's {@link Requires scope}, on the project in its path, before the
 * body is read: a key that may not write to a project learns so at once, instead of after sending
 * and having the service parse megabytes. Runs after routing, so it knows the endpoint, and before
 * {@link BodyLimit} reads the body (RESTEasy Reactive runs request filters before its body handler).
 *
 * <p>Only requests that carry a body are checked here: without one there is nothing to protect, and
 * the use case refuses them itself, counted and traced as a refused operation. A malformed project id
 * is left to the resource, which lists it with the request's other violations (400).
 */
public class EndpointAccess {

    private final Caller caller;

    public EndpointAccess(Caller caller) {
        this.caller = caller;
    }

    @ServerRequestFilter(priority = Priorities.AUTHORIZATION)
    public void requireScope(ContainerRequestContext request, ResourceInfo endpoint, io.vertx.core.http.HttpServerRequest http) {
        Requires requires = endpoint.getResourceMethod() == null ? null : endpoint.getResourceMethod().getAnnotation(Requires.class);
        boolean http2Body = http.version() == io.vertx.core.http.HttpVersion.HTTP_2 && !http.isEnded();
        if (requires == null || !http2Body && !BodyLimit.declaresBody(request.getMethod(), request.getHeaderString("Transfer-Encoding"),
                request.getHeaderString("Content-Length"))) {
            return;
        }
        require(caller.principal(), requires, request.getUriInfo().getPathParameters().getFirst("projectId"));
    }

    /**
     * Refuses {@code principal} the endpoint's scope: service-wide, on the project {@code projectId}
     * (when it is well-formed; a malformed one is the resource's 400 to list), or anywhere when the
     * endpoint has no project.
     */
    static void require(Principal principal, Requires requires, String projectId) {
        if (requires.serviceWide()) {
            Access.requireServiceWide(principal, requires.value());
            return;
        }
        if (projectId == null) {
            Access.require(principal, requires.value());
            return;
        }
        ProjectId project;
        try {
            project = ProjectId.of(projectId);
        } catch (InvalidValueException e) {
            return;
        }
        Access.require(principal, project, requires.value());
    }
}
