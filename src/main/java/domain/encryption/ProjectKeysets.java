package domain.encryption;

import domain.project.ProjectId;
import io.smallrye.mutiny.Uni;
import java.util.List;
import java.util.Optional;

/**
 * The port to the projects' wrapped data keysets. A keyset has no expiry: it must outlive every
 * value encrypted under it, and goes only when its project is shredded.
 *
 * <p>Adapters fail with {@link domain.StoreUnavailableException} when their store cannot answer.
 */
public interface ProjectKeysets {

    Uni<Optional<WrappedKeyset>> find(ProjectId project);

    /**
     * Stores {@code keyset} (revision 1) unless the project has one already; answers the one stored
     * afterwards, so that of two instances creating a keyset at once both use the one that won.
     */
    Uni<WrappedKeyset> createIfAbsent(ProjectId project, WrappedKeyset keyset);

    /**
     * Replaces the project's keyset with {@code next} if the stored one is still at the revision
     * before it; false when it is not (another replacement won, or there is none).
     */
    Uni<Boolean> replace(ProjectId project, WrappedKeyset next);

    /** Destroys the project's keyset (crypto-shredding), and the record of its rotation; false when it had no keyset. */
    Uni<Boolean> destroy(ProjectId project);

    /** Records the project's latest rotation, in place of the one before. */
    Uni<Void> saveRotation(KeyRotation rotation);

    /** The latest rotation of every project that rotated (one per project: as many as there are projects). */
    Uni<List<KeyRotation>> rotations();
}
