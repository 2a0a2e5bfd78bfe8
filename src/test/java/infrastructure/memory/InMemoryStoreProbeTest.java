package infrastructure.memory;

import static org.assertj.core.api.Assertions.assertThat;

import contract.StoreProbeContract;
import domain.store.EvictionPolicy;
import domain.store.StoreProbe;
import org.junit.jupiter.api.Test;

class InMemoryStoreProbeTest extends StoreProbeContract {

    @Override
    protected StoreProbe newProbe() {
        return new InMemoryStoreProbe();
    }

    @Test
    void reportsTheHeapItLivesInAndEvictsOnlyCacheEntries() {
        assertThat(probed().store()).isEqualTo("memory");
        assertThat(probed().maxBytes()).isEqualTo(Runtime.getRuntime().maxMemory());
        assertThat(probed().eviction()).isEqualTo(EvictionPolicy.EMBEDDED);
    }
}
