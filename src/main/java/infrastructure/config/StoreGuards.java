package infrastructure.config;

import application.Guards;
import application.StoreBudget;
import domain.StoreFullException;
import domain.StoreNotReplicatedException;
import domain.StorePartUnavailableException;
import domain.StoreUnavailableException;
import infrastructure.values.KeysetUnreadableException;
import domain.store.StorePulse;
import io.quarkus.runtime.Startup;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.Guard;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.jboss.logging.Logger;

/**
 * Builds the guards the use cases apply (see {@link Guards}) from configuration, at startup: per
 * capability a timeout and a circuit breaker named after it, which opens on store failures and
 * timeouts only (never on a caller's mistakes) and logs each change of state once.
 */
@ApplicationScoped
public class StoreGuards {

    private static final Logger LOG = Logger.getLogger(StoreGuards.class);

    @Produces
    @Singleton
    @Startup
    @Identifier(Guards.CACHE)
    Guard cache(ResilienceConfig resilience) {
        return capability(Guards.CACHE, resilience.timeout(), resilience.breaker());
    }

    @Produces
    @Singleton
    @Startup
    @Identifier(Guards.SESSIONS)
    Guard sessions(ResilienceConfig resilience) {
        return capability(Guards.SESSIONS, resilience.timeout(), resilience.breaker());
    }

    /**
     * Rate limits: a check's store call runs under the budget {@link #rateLimitBudget} inside this
     * guard. A stall the budget sees (the store answered nothing within it) is a store failure and
     * counts toward this breaker; a call that merely waited on this process (one garbage collection
     * pause under load would hold a whole window of concurrent checks) is not, so timeouts, the
     * budget's cap included, do not open this breaker: only store failures do.
     */
    @Produces
    @Singleton
    @Startup
    @Identifier(Guards.RATE_LIMITS)
    Guard rateLimits(ResilienceConfig resilience) {
        return capability(Guards.RATE_LIMITS, resilience.timeout(), resilience.breaker(), List.of(StoreUnavailableException.class));
    }

    /**
     * The budget of a rate limit check's store call: {@code cache-domain.rate-limits.store-timeout}
     * without any answer from the store, capped by the guard's timeout. Its timers run on the Vert.x
     * event loop, so that a loop too busy to read the store's answers fires them late, and a late timer
     * gives no verdict.
     */
    @Produces
    @Singleton
    @Identifier(Guards.RATE_LIMITS)
    StoreBudget rateLimitBudget(RateLimitConfig rateLimits, ResilienceConfig resilience, StorePulse pulse, Vertx vertx) {
        return new StoreBudget(pulse, new EventLoopTimer(vertx), rateLimits.storeTimeout(),
                max(rateLimits.storeTimeout(), resilience.timeout()));
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    @Produces
    @Singleton
    @Startup
    @Identifier(Guards.API_KEYS)
    Guard apiKeys(ResilienceConfig resilience, AuthConfig auth) {
        return capability(Guards.API_KEYS, auth.lookupTimeout(), resilience.breaker());
    }

    @Produces
    @Singleton
    @Startup
    @Identifier(Guards.PROGRESS)
    Guard progress(ResilienceConfig resilience) {
        return capability(Guards.PROGRESS, resilience.timeout(), resilience.breaker());
    }

    @Produces
    @Singleton
    @Startup
    @Identifier(Guards.TASKS)
    Guard tasks(ResilienceConfig resilience) {
        return capability(Guards.TASKS, resilience.timeout(), resilience.breaker());
    }

    @Produces
    @Singleton
    @Identifier(Guards.BULK)
    Guard bulk(ResilienceConfig resilience) {
        return Guard.create().withDescription(Guards.BULK)
                .withTimeout().duration(resilience.bulkTimeout().toMillis(), ChronoUnit.MILLIS).done()
                .build();
    }

    private static Guard capability(String name, Duration timeout, ResilienceConfig.Breaker breaker) {
        return capability(name, timeout, breaker, List.of(StoreUnavailableException.class, TimeoutException.class));
    }

    private static Guard capability(String name, Duration timeout, ResilienceConfig.Breaker breaker,
            List<Class<? extends Throwable>> failures) {
        return Guard.create().withDescription(name)
                .withTimeout().duration(timeout.toMillis(), ChronoUnit.MILLIS).done()
                .withCircuitBreaker().name(name)
                .requestVolumeThreshold(breaker.requestVolume())
                .failureRatio(breaker.failureRatio())
                .delay(breaker.delay().toMillis(), ChronoUnit.MILLIS)
                .successThreshold(breaker.successThreshold())
                .failOn(failures)
                // A full store answered: reads still work, so a run of refused writes must not open the breaker.
                // Nor may one project whose keyset cannot be used open it for every project, nor one Redis Cluster
                // node that is down (while the others answer) for the slots the others serve, nor a write that a
                // replica did not confirm in time (the store answered).
                .skipOn(List.of(StoreFullException.class, KeysetUnreadableException.class, StorePartUnavailableException.class,
                        StoreNotReplicatedException.class))
                .onStateChange(new StateLog(name)::changed)
                .done()
                .build();
    }

    /** Logs a breaker's outage once: when it first opens, and when it closes again; not every trial in between. */
    private static final class StateLog {

        private final String name;
        private final AtomicBoolean tripped = new AtomicBoolean();

        StateLog(String name) {
            this.name = name;
        }

        void changed(CircuitBreakerState state) {
            if (state == CircuitBreakerState.OPEN && tripped.compareAndSet(false, true)) {
                LOG.warnf("circuit breaker %s opened: the store fails, so %s answers by its failure policy until it returns", name, name);
            } else if (state == CircuitBreakerState.CLOSED && tripped.compareAndSet(true, false)) {
                LOG.infof("circuit breaker %s closed: the store answers again", name);
            } else {
                LOG.debugf("circuit breaker %s is %s", name, state);
            }
        }
    }
}
