package infrastructure.health;

import application.HealthService;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness shows every capability's circuit breaker ({@code closed}, {@code open},
 * {@code half-open}). It stays UP with a breaker open: every instance shares the store, and a
 * capability with an open breaker still answers by its failure policy (misses, fail modes, 503s),
 * which beats having the load balancer drop every instance at once. The store check goes DOWN when
 * the store does not answer.
 */
@Readiness
@ApplicationScoped
public class CircuitBreakersCheck implements HealthCheck {

    private final HealthService health;

    public CircuitBreakersCheck(HealthService health) {
        this.health = health;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("circuit-breakers").up();
        health.breakerStates().forEach(response::withData);
        return response.build();
    }
}
