package support;

import application.StoreBudget;
import domain.store.StorePulse;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** Store budgets for use cases wired by hand, outside the container: timers on Mutiny's worker pool. */
public final class Budgets {

    private Budgets() {
    }

    /**
     * A budget of {@code budget} (and as its cap) that only the given pulse's answers extend; a pulse
     * nobody feeds makes every call that outlasts the budget a stall.
     */
    public static StoreBudget of(StorePulse pulse, Duration budget) {
        return new StoreBudget(pulse, (delayNanos, task) -> {
            ScheduledFuture<?> pending = Infrastructure.getDefaultWorkerPool().schedule(task, delayNanos, TimeUnit.NANOSECONDS);
            return () -> pending.cancel(false);
        }, budget, budget);
    }
}
