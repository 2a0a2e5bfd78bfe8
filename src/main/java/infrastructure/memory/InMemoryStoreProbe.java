package infrastructure.memory;

import domain.store.EvictionPolicy;
import domain.store.StoreProbe;
import domain.store.StoreStatus;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The store probe of the embedded store: it lives in the service's heap, so its memory is the
 * JVM's heap in use and its limit, and it evicts only cache entries (nearest to expiry first).
 */
public final class InMemoryStoreProbe implements StoreProbe {

    @Override
    public Uni<StoreStatus> probe() {
        return Uni.createFrom().item(() -> {
            Runtime runtime = Runtime.getRuntime();
            long used = runtime.totalMemory() - runtime.freeMemory();
            return new StoreStatus("memory", Optional.empty(), Duration.ZERO, used, runtime.maxMemory(),
                    EvictionPolicy.EMBEDDED, List.of(), 0);
        });
    }
}
