package infrastructure.values;

import static org.assertj.core.api.Assertions.assertThat;

import domain.encryption.KeyRotation;
import domain.encryption.ProjectKeysets;
import domain.encryption.WrappedKeyset;
import domain.encryption.KeysetOwner;
import domain.project.ProjectId;
import infrastructure.memory.InMemoryProjectKeysets;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import support.ValueCodecs;

/** The keys held in process: one load per burst, and what a rotation leaves of them. */
class ProjectKeyringsTest {

    private static final KeysetOwner SHOP = KeysetOwner.of(ProjectId.of("shop"));

    /** The in-memory store, slow like a remote one, counting its calls. */
    private static final class CountingKeysets implements ProjectKeysets {
        final InMemoryProjectKeysets store = new InMemoryProjectKeysets();
        final AtomicInteger finds = new AtomicInteger();
        final AtomicInteger creates = new AtomicInteger();

        @Override
        public Uni<Optional<WrappedKeyset>> find(KeysetOwner owner) {
            finds.incrementAndGet();
            return store.find(owner).onItem().delayIt().by(Duration.ofMillis(50));
        }

        @Override
        public Uni<WrappedKeyset> createIfAbsent(KeysetOwner owner, WrappedKeyset keyset) {
            creates.incrementAndGet();
            return store.createIfAbsent(owner, keyset).onItem().delayIt().by(Duration.ofMillis(50));
        }

        @Override
        public Uni<Boolean> replace(KeysetOwner owner, WrappedKeyset next) {
            return store.replace(owner, next);
        }

        @Override
        public Uni<Boolean> destroy(KeysetOwner owner) {
            return store.destroy(owner);
        }

        @Override
        public Uni<Void> saveRotation(KeyRotation rotation) {
            return store.saveRotation(rotation);
        }

        @Override
        public Uni<List<KeyRotation>> rotations() {
            return store.rotations();
        }
    }

    @Test
    void readsAndMakesAProjectsKeysetOnceForABurstOfFirstWrites() {
        CountingKeysets keysets = new CountingKeysets();
        ProjectKeyrings keyrings = ValueCodecs.keyrings(keysets, ValueCodecs.randomKek());
        List<Uni<ProjectKeyrings.Keyring>> burst = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            burst.add(keyrings.forEncrypting(SHOP));
        }

        List<ProjectKeyrings.Keyring> keys = Uni.join().all(burst).andFailFast().await().atMost(Duration.ofSeconds(10));

        assertThat(keys).extracting(ProjectKeyrings.Keyring::primaryKeyId).containsOnly(keys.get(0).primaryKeyId());
        assertThat(keysets.finds.get()).as("one read of the store").isEqualTo(1);
        assertThat(keysets.creates.get()).as("one keyset made").isEqualTo(1);
    }

    @Test
    void readsAKeyringHeldLongerThanTheRefreshAgainBeforeEncryptingWithIt() {
        InMemoryProjectKeysets store = new InMemoryProjectKeysets();
        String kek = ValueCodecs.randomKek();
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong();
        ProjectKeyrings idle = new ProjectKeyrings(store, Optional.of(LocalKeyEncryptionKey.fromBase64(kek)), Duration.ofSeconds(10),
                now::get, java.time.Clock.systemUTC(), application.RequestContexts.NONE);
        ProjectKeyrings rotating = ValueCodecs.keyrings(store, kek);
        int first = idle.forEncrypting(SHOP).await().atMost(Duration.ofSeconds(5)).primaryKeyId();

        int second = rotating.rotate(SHOP).await().atMost(Duration.ofSeconds(5)).primaryKeyId();
        now.addAndGet(Duration.ofSeconds(9).toNanos());
        int beforeRefresh = idle.forEncrypting(SHOP).await().atMost(Duration.ofSeconds(5)).primaryKeyId();
        now.addAndGet(Duration.ofSeconds(2).toNanos());
        int afterRefresh = idle.forEncrypting(SHOP).await().atMost(Duration.ofSeconds(5)).primaryKeyId();

        assertThat(beforeRefresh).as("within the refresh, the key held").isEqualTo(first);
        assertThat(afterRefresh).as("past it, never the key held: the store's primary").isEqualTo(second);
    }

    @Test
    void keepsTheOlderKeyForDecryptingUntilItIsRetired() {
        ProjectKeyrings keyrings = ValueCodecs.keyrings(new InMemoryProjectKeysets(), ValueCodecs.randomKek());
        int first = keyrings.forEncrypting(SHOP).await().atMost(Duration.ofSeconds(5)).primaryKeyId();

        KeyRotation rotation = keyrings.rotate(SHOP).await().atMost(Duration.ofSeconds(5));
        ProjectKeyrings.Keyring rotated = keyrings.forEncrypting(SHOP).await().atMost(Duration.ofSeconds(5));

        assertThat(rotated.primaryKeyId()).isEqualTo(rotation.primaryKeyId()).isNotEqualTo(first);
        assertThat(rotated.keyIds()).containsExactlyInAnyOrder(first, rotation.primaryKeyId());
        assertThat(keyrings.retire(SHOP, rotation.primaryKeyId()).await().atMost(Duration.ofSeconds(5))).containsExactly(first);
        assertThat(keyrings.forEncrypting(SHOP).await().atMost(Duration.ofSeconds(5)).keyIds())
                .containsExactly(rotation.primaryKeyId());
        assertThat(keyrings.retire(SHOP, first).await().atMost(Duration.ofSeconds(5))).as("not the primary: nothing to do")
                .isEmpty();
    }
}
