package application;

import domain.access.Principal;
import domain.access.ProjectAccess;
import domain.access.Scope;
import domain.project.ProjectId;

/**
 * The access rule every use case applies before it touches a store; the web edge applies the same
 * rule before it reads a request's body (see {@code infrastructure.rest.EndpointAccess}).
 */
public final class Access {

    private Access() {
    }

    /** Fails unless the principal holds {@code scope} on {@code project}. */
    public static void require(Principal caller, ProjectId project, Scope scope) {
        if (!caller.permits(project, scope)) {
            throw new AccessDeniedException("this key may not use " + scope.wireName() + " on project " + project);
        }
    }

    /**
     * Fails unless the principal holds {@code scope} on every project: what a use case of the whole
     * service needs (the sessions' keys, which no one project owns).
     */
    public static void requireServiceWide(Principal caller, Scope scope) {
        if (!caller.hasScope(scope) || !(caller.projects() instanceof ProjectAccess.All)) {
            throw new AccessDeniedException("this key may not use " + scope.wireName() + " on every project, as the whole service's "
                    + "settings need");
        }
    }

    /** Fails unless the principal holds {@code scope}. */
    public static void require(Principal caller, Scope scope) {
        if (!caller.hasScope(scope)) {
            throw new AccessDeniedException("this key lacks the scope " + scope.wireName());
        }
    }
}
