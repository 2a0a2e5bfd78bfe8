package application;

import domain.ratelimit.LeasePlan;

/**
 * How this instance leases the policy {@code api}: the plan of every lease, and how many principals'
 * allowances it holds at most (past that, a principal not held is checked one unit per lease, exactly).
 */
public record ApiLeasing(LeasePlan plan, int maxPrincipals) {

    public ApiLeasing {
        if (maxPrincipals < 0) {
            throw new IllegalArgumentException("maxPrincipals must not be negative");
        }
    }
}
