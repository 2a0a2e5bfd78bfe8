package domain.ratelimit;

import static domain.ratelimit.PolicyFixture.limit;
import static domain.ratelimit.PolicyFixture.named;
import static domain.ratelimit.PolicyFixture.policy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import domain.InvalidValueException;
import domain.access.ApiKeySecret;
import domain.access.BootstrapKey;
import domain.access.Principal;
import domain.access.ProjectAccess;
import domain.access.Scope;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApiPolicyTest {

    private static final Principal OPERATOR = BootstrapKey.of(ApiKeySecret.of("cdk_" + "x".repeat(40))).principal();
    private static final Principal ADMIN = new Principal("ops", ProjectAccess.all(), Set.of(Scope.ADMIN));
    private static final Principal NAMED_LIKE_THE_OPERATOR = new Principal(BootstrapKey.NAME, ProjectAccess.all(),
            Set.of(Scope.RATE_LIMITS));
    private static final Principal BACKEND = new Principal("backend", ProjectAccess.all(), Set.of(Scope.RATE_LIMITS));

    @Test
    void neverCountsTheOperatorsBootstrapKey() {
        assertThat(ApiPolicy.counts(OPERATOR, false)).isFalse();
        assertThat(ApiPolicy.counts(OPERATOR, true)).isFalse();
    }

    @Test
    void neverCountsAnAdministratorAdministeringThePolicyApi() {
        assertThat(ApiPolicy.counts(ADMIN, true)).isFalse();
        assertThat(ApiPolicy.counts(ADMIN, false)).isTrue();
    }

    @Test
    void countsEveryOtherRequestAlsoOfAStoredKeyNamedLikeTheOperator() {
        assertThat(ApiPolicy.counts(BACKEND, true)).isTrue();
        assertThat(ApiPolicy.counts(BACKEND, false)).isTrue();
        assertThat(ApiPolicy.counts(NAMED_LIKE_THE_OPERATOR, false)).isTrue();
    }

    @Test
    void refusesAnApiPolicyBelowOneRequestPerSecondOfAWindowNamingTheLimit() {
        assertThatThrownBy(() -> ApiPolicy.check(named("api", policy(0, limit(3, 60), limit(100_000, 3_600)))))
                .isInstanceOf(InvalidValueException.class)
                .hasMessageContaining("at least 60 requests per 60 s")
                .extracting(e -> ((InvalidValueException) e).field()).isEqualTo("limits[0].requests");
    }

    @Test
    void acceptsAnApiPolicyAtTheMinimumAndAnyOtherPolicyBelowIt() {
        RateLimitPolicy atTheMinimum = named("api", policy(0, limit(60, 60), limit(3_600, 3_600)));
        RateLimitPolicy login = named("login", policy(0, limit(3, 60)));

        assertThat(ApiPolicy.check(atTheMinimum)).isEqualTo(atTheMinimum);
        assertThat(ApiPolicy.check(login)).isEqualTo(login);
    }
}
