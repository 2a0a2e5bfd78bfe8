package infrastructure.memory;

import domain.encryption.KeyRotation;
import domain.encryption.ProjectKeysets;
import java.util.List;
import domain.encryption.WrappedKeyset;
import domain.project.ProjectId;
import io.smallrye.mutiny.Uni;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/** The projects' wrapped keysets in process memory, gone with the process like the values they encrypt. */
public final class InMemoryProjectKeysets implements ProjectKeysets {

    private final ConcurrentHashMap<ProjectId, WrappedKeyset> keysets = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<ProjectId, KeyRotation> rotations = new ConcurrentHashMap<>();

    @Override
    public Uni<Optional<WrappedKeyset>> find(ProjectId project) {
        return Uni.createFrom().item(() -> Optional.ofNullable(keysets.get(project)));
    }

    @Override
    public Uni<WrappedKeyset> createIfAbsent(ProjectId project, WrappedKeyset keyset) {
        if (keyset.revision() != 1) {
            return Uni.createFrom().failure(new IllegalArgumentException("a new keyset is at revision 1"));
        }
        return Uni.createFrom().item(() -> keysets.computeIfAbsent(project, p -> keyset));
    }

    @Override
    public Uni<Boolean> replace(ProjectId project, WrappedKeyset next) {
        return Uni.createFrom().item(() -> {
            AtomicBoolean replaced = new AtomicBoolean();
            keysets.computeIfPresent(project, (p, current) -> {
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
    public Uni<Boolean> destroy(ProjectId project) {
        return Uni.createFrom().item(() -> {
            rotations.remove(project);
            return keysets.remove(project) != null;
        });
    }

    @Override
    public Uni<Void> saveRotation(KeyRotation rotation) {
        return Uni.createFrom().item(() -> {
            rotations.put(rotation.project(), rotation);
            return null;
        });
    }

    @Override
    public Uni<List<KeyRotation>> rotations() {
        return Uni.createFrom().item(() -> List.copyOf(rotations.values()));
    }
}
