package infrastructure.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import contract.RateLimitPoliciesContract;
import domain.ratelimit.PolicyName;
import domain.ratelimit.RateLimitPolicies;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import support.EmbeddedDatabases;

/**
 * The embedded policy store against the contract, plus what a disk adds: policies kept across a
 * reopening. Policies do not expire, so there is nothing to sweep; a delete leaves no row behind.
 */
class EmbeddedRateLimitPoliciesTest extends RateLimitPoliciesContract {

    private EmbeddedDatabase db;

    @Override
    protected RateLimitPolicies newPolicies() {
        db = EmbeddedDatabases.fresh();
        return new EmbeddedRateLimitPolicies(db);
    }

    @AfterEach
    void closeDatabase() {
        db.close();
    }

    private long rows(String table) {
        return EmbeddedDatabases.rows(db, table);
    }

    @Test
    void keepsThePoliciesAcrossAReopening() {
        await(policies.save(SEARCH));
        await(policies.save(LOGIN));
        Path directory = db.directory();
        db.close();

        db = EmbeddedDatabases.open(directory, EmbeddedDatabases.DEFAULT_MAX_BYTES);
        policies = new EmbeddedRateLimitPolicies(db);

        assertThat(await(policies.list())).containsExactly(LOGIN, SEARCH);
    }

    @Test
    void answersEveryLookupFromProcessMemoryOnceThePoliciesWereRead() {
        await(policies.save(SEARCH));
        assertThat(await(policies.find(LOGIN.name()))).isEmpty();
        await(policies.save(LOGIN));
        await(policies.delete(SEARCH.name()));

        db.close();

        assertThat(await(policies.find(LOGIN.name()))).contains(LOGIN);
        assertThat(await(policies.find(SEARCH.name()))).isEmpty();
        assertThat(await(policies.find(PolicyName.of("never-saved")))).isEmpty();
    }

    @Test
    void leavesNoLimitBehindWhenAPolicyIsReplacedOrDeleted() {
        await(policies.save(SEARCH));
        await(policies.save(LOGIN));
        await(policies.save(SEARCH));
        assertThat(rows("rate_limit_policy_limits")).isEqualTo(SEARCH.limits().size() + LOGIN.limits().size());

        await(policies.delete(SEARCH.name()));
        await(policies.delete(LOGIN.name()));

        assertThat(rows("rate_limit_policies")).isZero();
        assertThat(rows("rate_limit_policy_limits")).isZero();
    }
}
