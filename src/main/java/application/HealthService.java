package application;

import domain.StoreUnavailableException;
import domain.access.Principal;
import domain.access.Scope;
import domain.store.StoreProbe;
import domain.store.StoreStatus;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The operator's health report (scope {@code admin}): it probes the store directly, never through
 * a breaker, so that it tells the truth while the breakers are open; the probe bounds its own wait.
 */
@ApplicationScoped
@Measured
public class HealthService {

    private final StoreProbe probe;
    private final CircuitBreakerMaintenance breakers;
    private final SlowOperations slow;

    public HealthService(StoreProbe probe, CircuitBreakerMaintenance breakers, SlowOperations slow) {
        this.probe = probe;
        this.breakers = breakers;
        this.slow = slow;
    }

    @WithSpan("admin.health")
    public Uni<HealthReport> report(Principal caller) {
        return Uni.createFrom().deferred(() -> {
            Access.require(caller, Scope.ADMIN);
            return probe.probe()
                    .map(status -> report(Optional.of(status), Optional.empty()))
                    .onFailure(StoreUnavailableException.class)
                    .recoverWithItem(failure -> report(Optional.empty(), Optional.of(failure.getMessage())));
        });
    }

    /** Each breaker's state by name, in the order of {@link Guards#BREAKERS}. */
    public Map<String, String> breakerStates() {
        Map<String, String> states = new LinkedHashMap<>();
        Guards.BREAKERS.forEach(name -> states.put(name, breakers.currentState(name).name().toLowerCase(Locale.ROOT).replace('_', '-')));
        return states;
    }

    private HealthReport report(Optional<StoreStatus> store, Optional<String> storeError) {
        Map<String, String> states = breakerStates();
        List<String> warnings = new ArrayList<>(store.map(StoreStatus::warnings).orElse(List.of()));
        states.forEach((name, state) -> {
            if (!state.equals("closed")) {
                warnings.add("circuit breaker " + name + " is " + state + ": " + name + " answers by its failure policy");
            }
        });
        HealthReport.Status status = store.isEmpty() ? HealthReport.Status.DOWN
                : warnings.isEmpty() ? HealthReport.Status.UP : HealthReport.Status.DEGRADED;
        Outcomes.mark(status.name().toLowerCase(Locale.ROOT));
        return new HealthReport(status, store, storeError, states, slow.threshold(), slow.recent(), slow.total(),
                List.copyOf(warnings));
    }
}
