package domain.ratelimit;

import domain.InvalidValueException;
import domain.access.Principal;
import domain.access.Scope;

/**
 * The rules of the policy {@code api}, which limits every principal's use of the service's own API:
 * whom it never throttles, and how low it may be set.
 *
 * <p>It never throttles the operator's bootstrap key, nor an administrator reading, replacing or
 * deleting the policy {@code api} itself, so that no setting of it can lock administration out. And
 * each of its limits admits at least {@value #MIN_REQUESTS_PER_SECOND} request per second of its
 * window (60 a minute, 3600 an hour), so that no setting of it can starve every application either.
 */
public final class ApiPolicy {

    /** The least average rate each limit of the policy {@code api} must admit. */
    public static final long MIN_REQUESTS_PER_SECOND = 1;

    private ApiPolicy() {
    }

    /**
     * Whether a request of {@code caller} counts against the policy {@code api};
     * {@code administersApiPolicy}: the request reads, replaces or deletes the policy {@code api}.
     */
    public static boolean counts(Principal caller, boolean administersApiPolicy) {
        return !caller.operator() && !(administersApiPolicy && caller.hasScope(Scope.ADMIN));
    }

    /** Rule: a limit of the policy {@code api} admits at least one request per second of its window. */
    public static Limit checkLimit(Limit limit) {
        long least = Math.multiplyExact(limit.window().seconds(), MIN_REQUESTS_PER_SECOND);
        if (limit.requests() < least) {
            throw new InvalidValueException("requests", "the policy api must admit at least " + MIN_REQUESTS_PER_SECOND
                    + " request per second of its window: at least " + least + " requests per " + limit.window().seconds()
                    + " s, so that it cannot starve every client");
        }
        return limit;
    }

    /** The policy, if it is not {@code api} or every limit of it keeps {@link #checkLimit}'s rule; the field names the limit. */
    public static RateLimitPolicy check(RateLimitPolicy policy) {
        if (!policy.name().equals(PolicyName.API)) {
            return policy;
        }
        for (int i = 0; i < policy.limits().size(); i++) {
            try {
                checkLimit(policy.limits().get(i));
            } catch (InvalidValueException e) {
                throw new InvalidValueException("limits[" + i + "].requests", e.rule());
            }
        }
        return policy;
    }
}
