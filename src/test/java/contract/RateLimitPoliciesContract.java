package contract;

import static domain.ratelimit.PolicyFixture.limit;
import static domain.ratelimit.PolicyFixture.named;
import static domain.ratelimit.PolicyFixture.perMinute;
import static domain.ratelimit.PolicyFixture.policy;
import static domain.ratelimit.PolicyFixture.withFailMode;
import static org.assertj.core.api.Assertions.assertThat;

import domain.ratelimit.FailMode;
import domain.ratelimit.Limit;
import domain.ratelimit.PolicyName;
import domain.ratelimit.RateLimitPolicies;
import domain.ratelimit.RateLimitPolicy;
import domain.ratelimit.Window;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every store of runtime rate limit policies must do, run against each of them. */
public abstract class RateLimitPoliciesContract {

    protected static final RateLimitPolicy LOGIN = named("login", perMinute(5));
    protected static final RateLimitPolicy SEARCH = named("search", policy(20, limit(100, 60), limit(1_000, 3_600)));

    protected RateLimitPolicies policies;

    /** A fresh, empty store, isolated from every other test. */
    protected abstract RateLimitPolicies newPolicies();

    @BeforeEach
    void createPolicies() {
        policies = newPolicies();
    }

    protected static <T> T await(Uni<T> uni) {
        return uni.await().atMost(Duration.ofSeconds(30));
    }

    @Test
    void findsNothingInAnEmptyStore() {
        assertThat(await(policies.find(LOGIN.name()))).isEmpty();
        assertThat(await(policies.list())).isEmpty();
    }

    /** Held or not, an answer at once never differs from the store's: after a save, a replace and a delete. */
    @Test
    void answersAtOnceOnlyWhatFindAnswers() {
        RateLimitPolicy stricter = named("login", perMinute(1));
        for (Runnable change : List.<Runnable>of(() -> await(policies.save(LOGIN)), () -> await(policies.save(stricter)),
                () -> await(policies.delete(LOGIN.name())))) {
            change.run();
            assertThat(policies.findAtOnce(LOGIN.name())).satisfiesAnyOf(
                    atOnce -> assertThat(atOnce).isEmpty(),
                    atOnce -> assertThat(atOnce).contains(await(policies.find(LOGIN.name()))));
            Optional<RateLimitPolicy> found = await(policies.find(LOGIN.name()));
            assertThat(policies.findAtOnce(LOGIN.name())).satisfiesAnyOf(
                    atOnce -> assertThat(atOnce).isEmpty(),
                    atOnce -> assertThat(atOnce).contains(found));
        }
    }

    @Test
    void findsAPolicyAsItWasSaved() {
        await(policies.save(SEARCH));

        assertThat(await(policies.find(PolicyName.of("search")))).contains(SEARCH);
    }

    @Test
    void keepsEveryPartOfThePolicyAtItsLimits() {
        List<Limit> eight = new ArrayList<>();
        for (long seconds : new long[] {1, 59, 60, 3_600, 86_399, 86_400, 604_800, Window.MAX_SECONDS}) {
            eight.add(Limit.of(seconds == 1 ? 1 : Limit.MAX_REQUESTS - seconds, Window.ofSeconds(seconds)));
        }
        RateLimitPolicy extreme = new RateLimitPolicy(PolicyName.of("x".repeat(64)), eight, Limit.MAX_REQUESTS,
                FailMode.CLOSED);

        await(policies.save(extreme));

        assertThat(await(policies.find(extreme.name()))).contains(extreme);
    }

    @Test
    void replacesThePolicyOfTheSameName() {
        await(policies.save(LOGIN));
        RateLimitPolicy stricter = withFailMode(named("login", policy(1, limit(2, 60), limit(10, 3_600))), FailMode.CLOSED);

        await(policies.save(stricter));

        assertThat(await(policies.find(LOGIN.name()))).contains(stricter);
        assertThat(await(policies.list())).containsExactly(stricter);
    }

    @Test
    void listsEveryPolicyByName() {
        RateLimitPolicy alpha = named("alpha", perMinute(1));
        await(policies.save(SEARCH));
        await(policies.save(alpha));
        await(policies.save(LOGIN));

        assertThat(await(policies.list())).containsExactly(alpha, LOGIN, SEARCH);
    }

    @Test
    void deletesAPolicyAndSaysWhetherThereWasOne() {
        await(policies.save(LOGIN));
        await(policies.save(SEARCH));

        assertThat(await(policies.delete(LOGIN.name()))).isTrue();
        assertThat(await(policies.delete(LOGIN.name()))).isFalse();
        assertThat(await(policies.delete(PolicyName.of("never")))).isFalse();

        assertThat(await(policies.find(LOGIN.name()))).isEmpty();
        assertThat(await(policies.list())).containsExactly(SEARCH);
    }

    @Test
    void savesAgainAfterADelete() {
        await(policies.save(LOGIN));
        await(policies.delete(LOGIN.name()));

        await(policies.save(LOGIN));

        assertThat(await(policies.find(LOGIN.name()))).contains(LOGIN);
    }
}
