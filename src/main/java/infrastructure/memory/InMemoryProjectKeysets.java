package infrastructure.memory;

import domain.encryption.KeyRotation;
import domain.encryption.KeysetOwner;
import domain.encryption.ProjectKeysets;
import java.util.List;
import domain.encryption.WrappedKeyset;
import io.smallrye.mutiny.Uni;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/** The wrapped keysets (the projects' and the sessions') in process memory, gone with the process like the values they encrypt. */
public final class InMemoryProjectKeysets implements ProjectKeysets {

    private final ConcurrentHashMap<KeysetOwner, WrappedKeyset> keysets = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<KeysetOwner, KeyRotation> rotations = new ConcurrentHashMap<>();

    @Override
    public Uni<Optional<WrappedKeyset>> find(KeysetOwner owner) {
        return Uni.createFrom().item(() -> Optional.ofNullable(keysets.get(owner)));
    }

    @Override
    public Uni<WrappedKeyset> createIfAbsent(KeysetOwner owner, WrappedKeyset keyset) {
        if (keyset.revision() != 1) {
            return Uni.createFrom().failure(new IllegalArgumentException("a new keyset is at revision 1"));
        }
        return Uni.createFrom().item(() -> keysets.computeIfAbsent(owner, p -> keyset));
    }

    @Override
    public Uni<Boolean> replace(KeysetOwner owner, WrappedKeyset next) {
        return Uni.createFrom().item(() -> {
            AtomicBoolean replaced = new AtomicBoolean();
            keysets.computeIfPresent(owner, (p, current) -> {
                if (current.revision() + 1 != next.revision()) {
                    return current;
                }
                replaced.set(true);
                return next;
            });
            return replaced.get();
        });
    }

    @Override
    public Uni<Boolean> destroy(KeysetOwner owner) {
        return Uni.createFrom().item(() -> {
            rotations.remove(owner);
            return keysets.remove(owner) != null;
        });
    }

    @Override
    public Uni<Void> saveRotation(KeyRotation rotation) {
        return Uni.createFrom().item(() -> {
            rotations.put(rotation.owner(), rotation);
            return null;
        });
    }

    @Override
    public Uni<List<KeyRotation>> rotations() {
        return Uni.createFrom().item(() -> List.copyOf(rotations.values()));
    }
}
