package domain.access;

import domain.project.ProjectId;
import java.util.Set;

/**
 * Who a request acts as, and the rule of what it may do: a scope on a project it has access to.
 *
 * @param name       the key's name; safe to log, never a secret
 * @param credential what its rights stand on: revoking it ends them, also for streams it holds open;
 *                   {@link Credential#OPERATOR} only for the operator's configured bootstrap key
 */
public record Principal(String name, ProjectAccess projects, Set<Scope> scopes, Credential credential) {

    public Principal {
        scopes = Set.copyOf(scopes);
        if (credential == null) {
            throw new domain.InvalidValueException("a principal stands on a credential; Credential.PERMANENT for none");
        }
    }

    /** A principal standing on nothing that can be revoked (see {@link Credential#PERMANENT}). */
    public Principal(String name, ProjectAccess projects, Set<Scope> scopes) {
        this(name, projects, scopes, Credential.PERMANENT);
    }

    /**
     * True only for the operator's bootstrap key, which is configured rather than stored: a stored
     * key may be named like it, but is never the operator.
     */
    public boolean operator() {
        return credential instanceof Credential.Operator;
    }

    /** True when the principal may use {@code scope} on {@code project}. */
    public boolean permits(ProjectId project, Scope scope) {
        return hasScope(scope) && projects.includes(project);
    }

    /** True when one of the principal's scopes grants {@code scope}. */
    public boolean hasScope(Scope scope) {
        // A loop, not a stream: every request asks this more than once.
        for (Scope held : scopes) {
            if (held.grants(scope)) {
                return true;
            }
        }
        return false;
    }

    /**
     * True when the principal may hand out these rights: an administrator delegates only what it
     * holds itself, so no key can mint a more powerful one.
     */
    public boolean mayGrant(ProjectAccess projects, Set<Scope> scopes) {
        return hasScope(Scope.ADMIN) && this.projects.covers(projects) && scopes.stream().allMatch(this::hasScope);
    }
}
