package infrastructure.config;

import application.Breaker;
import application.Breakers;
import application.Guards;
import application.StoreBudget;
import application.StoreGuard;
import domain.StoreBusyException;
import domain.StoreFullException;
import domain.StoreNotReplicatedException;
import domain.StorePartUnavailableException;
import domain.StoreUnavailableException;
import infrastructure.values.KeysetUnreadableException;
import domain.store.StorePulse;
import io.quarkus.runtime.Startup;
import io.smallrye.common.annotation.Identifier;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.jboss.logging.Logger;

/**
 * Builds the guards the use cases apply (see {@link Guards}) from configuration, at startup: per
 * capability a {@link StoreGuard}, whose budget measures the store rather than this process, inside a
 * circuit breaker named after the capability, which opens on store failures and timeouts only (never
 * on a caller's mistakes) and logs each change of state once.
 */
@ApplicationScoped
public class StoreGuards {

    private static final Logger LOG = Logger.getLogger(StoreGuards.class);

    private final ResilienceConfig resilience;
    private final StorePulse pulse;
    private final Vertx vertx;
    private final StoreBudget.Heartbeat heartbeat;
    private final Breakers breakers;

    StoreGuards(ResilienceConfig resilience, StorePulse pulse, Vertx vertx, StoreBudget.Heartbeat heartbeat, Breakers breakers) {
        this.resilience = resilience;
        this.pulse = pulse;
        this.vertx = vertx;
        this.heartbeat = heartbeat;
        this.breakers = breakers;
    }

    @Produces
    @Singleton
    @Startup
    @Identifier(Guards.CACHE)
    StoreGuard cache() {
        return capability(Guards.CACHE, resilience.timeout());
    }

    @Produces
    @Singleton
    @Startup
    @Identifier(Guards.SESSIONS)
    StoreGuard sessions() {
        return capability(Guards.SESSIONS, resilience.timeout());
    }

    /**
     * The rate limits' breaker, which a check's store call passes through around its own budget
     * ({@link #rateLimitBudget}). A stall the budget sees (the store answered nothing within it) is a
     * store failure and counts toward this breaker; a call that merely waited on this process (one
     * garbage collection pause under load would hold a whole window of concurrent checks) is not, so
     * timeouts, the budget's cap included, do not open it: only store failures do.
     */
    @Produces
    @Singleton
    @Startup
    @Identifier(Guards.RATE_LIMITS)
    Breaker rateLimitBreaker() {
        return breaker(Guards.RATE_LIMITS, List.of(StoreUnavailableException.class));
    }

    /** Rate limit administration: the rate limits' breaker, and the budget of the other capabilities. */
    @Produces
    @Singleton
    @Identifier(Guards.RATE_LIMITS)
    StoreGuard rateLimits(@Identifier(Guards.RATE_LIMITS) Breaker breaker) {
        return new StoreGuard(breaker, budget(resilience.timeout(), longest(resilience.timeout())));
    }

    /**
     * The budget of a rate limit check's store call: {@code cache-domain.rate-limits.store-timeout}
     * without any answer from the store, capped by the capabilities' timeout. Its timers run on the
     * Vert.x event loop, so that a loop too busy to read the store's answers fires them late, and a late
     * timer gives no verdict.
     */
    @Produces
    @Singleton
    @Identifier(Guards.RATE_LIMITS)
    StoreBudget rateLimitBudget(RateLimitConfig rateLimits) {
        return budget(rateLimits.storeTimeout(), max(rateLimits.storeTimeout(), resilience.timeout()));
    }

    @Produces
    @Singleton
    @Startup
    @Identifier(Guards.API_KEYS)
    StoreGuard apiKeys(AuthConfig auth) {
        return capability(Guards.API_KEYS, auth.lookupTimeout());
    }

    @Produces
    @Singleton
    @Startup
    @Identifier(Guards.PROGRESS)
    StoreGuard progress() {
        return capability(Guards.PROGRESS, resilience.timeout());
    }

    @Produces
    @Singleton
    @Startup
    @Identifier(Guards.TASKS)
    StoreGuard tasks() {
        return capability(Guards.TASKS, resilience.timeout());
    }

    /** Bulk operations: no breaker, and the bulk timeout both as the budget and as its cap. */
    @Produces
    @Singleton
    @Identifier(Guards.BULK)
    StoreGuard bulk() {
        return new StoreGuard(null, budget(resilience.bulkTimeout(), resilience.bulkTimeout()));
    }

    private StoreGuard capability(String name, Duration timeout) {
        return new StoreGuard(breaker(name, List.of(StoreUnavailableException.class, TimeoutException.class)),
                budget(timeout, longest(timeout)));
    }

    /** The cap of an operation whose budget is {@code timeout}: the longest wait, or the budget if that is longer. */
    private Duration longest(Duration timeout) {
        return max(timeout, resilience.longestWait());
    }

    /**
     * Timers on the Vert.x event loops (see {@link EventLoopTimer}): a loop too busy to read answers fires them late;
     * the store's heartbeat asked before a verdict of stall.
     */
    private StoreBudget budget(Duration budget, Duration cap) {
        return new StoreBudget(pulse, new EventLoopTimer(vertx), heartbeat, budget, cap);
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private Breaker breaker(String name, List<Class<? extends Throwable>> failures) {
        ResilienceConfig.Breaker breaker = resilience.breaker();
        Breaker.Settings settings = new Breaker.Settings(breaker.requestVolume(), breaker.failureRatio(), breaker.delay(),
                breaker.successThreshold());
        return breakers.register(new Breaker(name, settings, failures,
                // A full store answered: reads still work, so a run of refused writes must not open the breaker.
                // Nor may one project whose keyset cannot be used open it for every project, nor one Redis Cluster
                // node that is down (while the others answer) for the slots the others serve, nor a write that a
                // replica did not confirm in time (the store answered), nor a call this instance had no room to queue.
                List.of(StoreBusyException.class, StoreFullException.class, KeysetUnreadableException.class, StorePartUnavailableException.class,
                        StoreNotReplicatedException.class),
                System::nanoTime, new StateLog(name)::changed));
    }

    /** Logs a breaker's outage once: when it first opens, and when it closes again; not every trial in between. */
    private static final class StateLog {

        private final String name;
        private final AtomicBoolean tripped = new AtomicBoolean();

        StateLog(String name) {
            this.name = name;
        }

        void changed(Breaker.State state) {
            if (state == Breaker.State.OPEN && tripped.compareAndSet(false, true)) {
                LOG.warnf("circuit breaker %s opened: the store fails, so %s answers by its failure policy until it returns", name, name);
            } else if (state == Breaker.State.CLOSED && tripped.compareAndSet(true, false)) {
                LOG.infof("circuit breaker %s closed: the store answers again", name);
            } else {
                LOG.debugf("circuit breaker %s is %s", name, state);
            }
        }
    }
}
