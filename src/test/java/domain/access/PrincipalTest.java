package domain.access;

import static org.assertj.core.api.Assertions.assertThat;

import domain.project.ProjectId;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PrincipalTest {

    private static final ProjectId A = ProjectId.of("a");
    private static final ProjectId B = ProjectId.of("b");

    @Test
    void permitsAScopeItHoldsOnAProjectItMayUse() {
        Principal reader = new Principal("reader", only(A), Set.of(Scope.CACHE_READ));

        assertThat(reader.permits(A, Scope.CACHE_READ)).isTrue();
    }

    @Test
    void doesNotPermitAScopeItLacksEvenOnItsOwnProject() {
        Principal reader = new Principal("reader", only(A), Set.of(Scope.CACHE_READ));

        assertThat(reader.permits(A, Scope.CACHE_WRITE)).isFalse();
        assertThat(reader.permits(A, Scope.ADMIN)).isFalse();
    }

    @Test
    void doesNotPermitAScopeItHoldsOnAnotherProject() {
        Principal reader = new Principal("reader", only(A), Set.of(Scope.CACHE_READ));

        assertThat(reader.permits(B, Scope.CACHE_READ)).isFalse();
    }

    @Test
    void accessToAllProjectsIncludesAnyProject() {
        Principal global = new Principal("global", ProjectAccess.all(), Set.of(Scope.TASKS));

        assertThat(global.permits(A, Scope.TASKS)).isTrue();
        assertThat(global.permits(ProjectId.of("created-later"), Scope.TASKS)).isTrue();
        assertThat(global.permits(A, Scope.PROGRESS)).isFalse();
    }

    @Test
    void anAdminMayGrantItsOwnProjectsAndScopes() {
        Principal admin = new Principal("admin-a", only(A), Set.of(Scope.ADMIN, Scope.CACHE_READ));

        assertThat(admin.mayGrant(only(A), Set.of(Scope.CACHE_READ))).isTrue();
        assertThat(admin.mayGrant(only(A), Set.of(Scope.ADMIN, Scope.CACHE_READ))).isTrue();
    }

    @Test
    void anAdminMayNotGrantAProjectItCannotUse() {
        Principal admin = new Principal("admin-a", only(A), Set.of(Scope.ADMIN, Scope.CACHE_READ));

        assertThat(admin.mayGrant(only(B), Set.of(Scope.CACHE_READ))).isFalse();
        assertThat(admin.mayGrant(ProjectAccess.only(Set.of(A, B)), Set.of(Scope.CACHE_READ))).isFalse();
    }

    @Test
    void anAdminOfSomeProjectsMayNotGrantAllProjects() {
        Principal admin = new Principal("admin-a", only(A), Set.of(Scope.ADMIN, Scope.CACHE_READ));

        assertThat(admin.mayGrant(ProjectAccess.all(), Set.of(Scope.CACHE_READ))).isFalse();
    }

    @Test
    void anAdminMayNotGrantAScopeItLacks() {
        Principal admin = new Principal("admin-a", only(A), Set.of(Scope.ADMIN, Scope.CACHE_READ));

        assertThat(admin.mayGrant(only(A), Set.of(Scope.CACHE_WRITE))).isFalse();
        assertThat(admin.mayGrant(only(A), Set.of(Scope.CACHE_READ, Scope.SESSIONS))).isFalse();
    }

    @Test
    void anAdminOfAllProjectsMayGrantAnyProjectIncludingAll() {
        Principal root = new Principal("root", ProjectAccess.all(), Set.of(Scope.values()));

        assertThat(root.mayGrant(ProjectAccess.all(), Set.of(Scope.values()))).isTrue();
        assertThat(root.mayGrant(only(B), Set.of(Scope.TASKS))).isTrue();
    }

    @Test
    void aNonAdminMayGrantNothing() {
        Principal writer = new Principal("writer", ProjectAccess.all(),
                Set.of(Scope.CACHE_READ, Scope.CACHE_WRITE));

        assertThat(writer.mayGrant(only(A), Set.of(Scope.CACHE_READ))).isFalse();
        assertThat(writer.mayGrant(ProjectAccess.all(), Set.of(Scope.CACHE_WRITE))).isFalse();
    }

    @Test
    void keepsACopyOfItsScopes() {
        Set<Scope> scopes = new java.util.HashSet<>(Set.of(Scope.CACHE_READ));
        Principal reader = new Principal("reader", only(A), scopes);

        scopes.add(Scope.ADMIN);

        assertThat(reader.hasScope(Scope.ADMIN)).isFalse();
    }

    private static ProjectAccess only(ProjectId project) {
        return ProjectAccess.only(Set.of(project));
    }
}
