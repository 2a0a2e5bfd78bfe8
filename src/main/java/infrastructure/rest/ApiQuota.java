package infrastructure.rest;

import application.RateLimitService;
import domain.access.Principal;
import domain.ratelimit.PolicyName;
import domain.ratelimit.RateLimitDecision;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import jakarta.ws.rs.core.Response;
import java.lang.reflect.Method;

/**
 * Counts an authenticated request against the policy {@code api} once its endpoint is known: after
 * routing for a matched endpoint, or when no endpoint matched (404, 405), before the answer; 429
 * over it. Whether the request counts is the matched endpoint's to say ({@link AdministersPolicy}).
 */
@Singleton
public class ApiQuota {

    private final RateLimitService rateLimits;
    private final Caller caller;

    public ApiQuota(RateLimitService rateLimits, Caller caller) {
        this.rateLimits = rateLimits;
        this.caller = caller;
    }

    /**
     * The 429 for a request over the policy {@code api}, or null to go on; counts once per request,
     * and only a request authentication left to count.
     *
     * @param endpoint the matched resource method, or null when none matched
     * @param policyName the value of the endpoint's {@code {name}} path parameter, or null
     */
    Uni<Response> limit(Method endpoint, String policyName) {
        if (!caller.takeApiCount()) {
            return Uni.createFrom().nullItem();
        }
        boolean administersApiPolicy = endpoint != null && endpoint.isAnnotationPresent(AdministersPolicy.class)
                && PolicyName.API.value().equals(policyName);
        return limit(caller.principal(), administersApiPolicy);
    }

    /** The 429 for {@code principal} over the policy {@code api}, or null to go on; counts this request once. */
    Uni<Response> limit(Principal principal, boolean administersApiPolicy) {
        return rateLimits.checkApi(principal, administersApiPolicy).map(decision -> decision
                .filter(d -> d instanceof RateLimitDecision.Denied)
                .map(ApiQuota::quotaExceeded)
                .orElse(null));
    }

    /** 429 for a principal over the policy {@code api}, with the rate limit headers. */
    private static Response quotaExceeded(RateLimitDecision denied) {
        return RateLimitHeaders.add(Problem.Type.QUOTA_EXCEEDED
                .with("this key made more requests than the policy api allows; retry after the Retry-After seconds")
                .toResponse(), denied).build();
    }
}
