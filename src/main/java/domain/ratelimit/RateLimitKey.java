package domain.ratelimit;

import domain.project.ProjectId;
import java.util.Optional;

/**
 * Whose counters a check reads: an identifier under a policy, within a project, or, for the
 * service's own API protection, outside every project. Counters of two projects never meet.
 */
public record RateLimitKey(Optional<ProjectId> project, PolicyName policy, Identifier identifier) {

    public static RateLimitKey inProject(ProjectId project, PolicyName policy, Identifier identifier) {
        return new RateLimitKey(Optional.of(project), policy, identifier);
    }

    /** The counters of a principal's use of the service's API under policy {@code api}. */
    public static RateLimitKey forApi(String principal) {
        return new RateLimitKey(Optional.empty(), PolicyName.API, Identifier.of(IdentifierScope.KEY, principal));
    }
}
