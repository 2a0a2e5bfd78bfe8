package domain.access;

import domain.project.ProjectId;
import java.util.Set;

/** The projects a principal may use: all of them, or a fixed set. */
public sealed interface ProjectAccess {

    boolean includes(ProjectId project);

    /** True when every one of {@code projects} is included; true for none. */
    default boolean includesAll(java.util.Collection<ProjectId> projects) {
        return projects.stream().allMatch(this::includes);
    }

    /** True when every project {@code other} grants is granted here too. */
    boolean covers(ProjectAccess other);

    static ProjectAccess all() {
        return new All();
    }

    static ProjectAccess only(Set<ProjectId> projects) {
        return new Only(projects);
    }

    /** Every project, present and future: {@code ["*"]}. */
    record All() implements ProjectAccess {
        @Override
        public boolean includes(ProjectId project) {
            return true;
        }

        @Override
        public boolean covers(ProjectAccess other) {
            return true;
        }
    }

    /** A fixed set of projects. Rule: not empty, a key with no project could do nothing. */
    record Only(Set<ProjectId> projects) implements ProjectAccess {
        public Only {
            projects = Set.copyOf(projects);
            if (projects.isEmpty()) {
                throw new domain.InvalidValueException("projects must name at least one project, or \"*\" for all");
            }
        }

        @Override
        public boolean includes(ProjectId project) {
            return projects.contains(project);
        }

        @Override
        public boolean covers(ProjectAccess other) {
            return other instanceof Only only && projects.containsAll(only.projects);
        }
    }
}
