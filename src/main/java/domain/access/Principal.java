package domain.access;

import domain.project.ProjectId;
import java.util.Set;

/**
 * Who a request acts as, and the rule of what it may do: a scope on a project it has access to.
 *
 * @param name     the key's name; safe to log, never a secret
 * @param operator true only for the operator's bootstrap key, which is configured rather than stored
 *                 (a stored key may be named like it, but is never the operator)
 */
public record Principal(String name, ProjectAccess projects, Set<Scope> scopes, boolean operator) {

    public Principal {
        scopes = Set.copyOf(scopes);
    }

    /** A principal that is not the operator: a stored key, a session, a ticket. */
    public Principal(String name, ProjectAccess projects, Set<Scope> scopes) {
        this(name, projects, scopes, false);
    }

    /** True when the principal may use {@code scope} on {@code project}. */
    public boolean permits(ProjectId project, Scope scope) {
        return hasScope(scope) && projects.includes(project);
    }

    /** True when one of the principal's scopes grants {@code scope}. */
    public boolean hasScope(Scope scope) {
        return scopes.stream().anyMatch(held -> held.grants(scope));
    }

    /**
     * True when the principal may hand out these rights: an administrator delegates only what it
     * holds itself, so no key can mint a more powerful one.
     */
    public boolean mayGrant(ProjectAccess projects, Set<Scope> scopes) {
        return hasScope(Scope.ADMIN) && this.projects.covers(projects) && scopes.stream().allMatch(this::hasScope);
    }
}
