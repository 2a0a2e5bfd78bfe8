package application;

import domain.access.Principal;
import domain.access.Scope;
import domain.project.ProjectId;

/** The access rule every use case applies before it touches a store. */
final class Access {

    private Access() {
    }

    /** Fails unless the principal holds {@code scope} on {@code project}. */
    static void require(Principal caller, ProjectId project, Scope scope) {
        if (!caller.permits(project, scope)) {
            throw new AccessDeniedException("this key may not use " + scope.wireName() + " on project " + project);
        }
    }

    /** Fails unless the principal holds {@code scope}. */
    static void require(Principal caller, Scope scope) {
        if (!caller.hasScope(scope)) {
            throw new AccessDeniedException("this key lacks the scope " + scope.wireName());
        }
    }
}
