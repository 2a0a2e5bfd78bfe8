package application;

import io.smallrye.faulttolerance.api.Guard;
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

    private final Guard breaker;
    private final StoreBudget budget;

    /**
     * @param breaker the capability's circuit breaker (a SmallRye Fault Tolerance guard with no
     *                timeout of its own); null for none
     * @param budget  the bound of each operation
     */
    public StoreGuard(Guard breaker, StoreBudget budget) {
        this.budget = budget;
        this.breaker = breaker;
    }

    /** Runs {@code operation} within the budget, under the breaker, which counts the budget's verdicts as store failures. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public <T> Uni<T> get(Supplier<Uni<T>> operation) {
        Supplier<Uni<T>> bounded = () -> budget.operation(operation);
        return breaker == null ? bounded.get() : (Uni<T>) breaker.get((Supplier) bounded, Uni.class);
    }
}
