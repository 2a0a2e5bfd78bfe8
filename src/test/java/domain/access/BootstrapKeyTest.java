package domain.access;

import static org.assertj.core.api.Assertions.assertThat;

import domain.project.ProjectId;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BootstrapKeyTest {

    @Test
    void matchesTheDigestOfItsOwnSecret() {
        ApiKeySecret secret = ApiKeySecret.generate();
        BootstrapKey key = BootstrapKey.of(secret);

        assertThat(key.matches(secret.digest())).isTrue();
        assertThat(key.matches(ApiKeySecret.of(secret.reveal()).digest())).isTrue();
    }

    @Test
    void doesNotMatchTheDigestOfAnotherSecret() {
        BootstrapKey key = BootstrapKey.of(ApiKeySecret.generate());

        assertThat(key.matches(ApiKeySecret.generate().digest())).isFalse();
    }

    @Test
    void doesNotMatchTheSecretItselfOnlyItsDigest() {
        ApiKeySecret secret = ApiKeySecret.generate();

        assertThat(BootstrapKey.of(secret).matches(secret.reveal())).isFalse();
    }

    @Test
    void doesNotMatchAPrefixOfItsDigest() {
        ApiKeySecret secret = ApiKeySecret.generate();

        assertThat(BootstrapKey.of(secret).matches(secret.digest().substring(0, 63))).isFalse();
        assertThat(BootstrapKey.of(secret).matches("")).isFalse();
    }

    @Test
    void actsAsAnAdministratorOfEveryProjectWithEveryScope() {
        Principal principal = BootstrapKey.of(ApiKeySecret.generate()).principal();

        assertThat(principal.name()).isEqualTo(BootstrapKey.NAME);
        assertThat(principal.scopes()).containsExactlyInAnyOrder(Scope.values());
        assertThat(principal.permits(ProjectId.of("any-project"), Scope.ADMIN)).isTrue();
        assertThat(principal.mayGrant(ProjectAccess.all(), Set.of(Scope.values()))).isTrue();
    }
}
