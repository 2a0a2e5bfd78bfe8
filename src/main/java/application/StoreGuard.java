package application;

import io.smallrye.mutiny.Uni;
import java.util.function.Supplier;

/**
 * A capability's guard: its circuit breaker around a {@link StoreBudget}, so that an operation fails
 * when its store stopped answering, not when this process was slow to read the answers (a busy event
 * loop, a garbage collection pause, a cold JIT), which a plain timeout cannot tell apart.
 *
 * <p>Every operation is sent to the store, stalled or not: the breaker, not the budget's stall
 * memory, is what spares a dead store the calls. An operation may make several store calls; the
 * budget runs out only when the store answered nothing at all for its length, and the operation
 * fails in any case at the budget's cap.
 */
public final class StoreGuard {

    private final Breaker breaker;
    private final StoreBudget budget;

    /**
     * @param breaker the capability's circuit breaker; null for none
     * @param budget  the bound of each operation
     */
    public StoreGuard(Breaker breaker, StoreBudget budget) {
        this.budget = budget;
        this.breaker = breaker;
    }

    /** Runs {@code operation} within the budget, under the breaker, which counts the budget's verdicts as store failures. */
    public <T> Uni<T> get(Supplier<Uni<T>> operation) {
        return breaker == null ? budget.operation(operation) : breaker.guard(() -> budget.operation(operation));
    }
}
