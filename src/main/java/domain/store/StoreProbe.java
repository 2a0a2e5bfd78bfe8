package domain.store;

import io.smallrye.mutiny.Uni;

/** Port: asks the configured store how it is doing, for the operator's health report. */
public interface StoreProbe {

    /**
     * The store's state now; fails with {@link domain.StoreUnavailableException} when it cannot be
     * reached. Costs a few cheap commands (PING, INFO, SLOWLOG on Redis); never reads tenant data.
     */
    Uni<StoreStatus> probe();
}
