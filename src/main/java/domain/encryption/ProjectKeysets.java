package domain.encryption;

import io.smallrye.mutiny.Uni;
import java.util.List;
import java.util.Optional;

/**
 * The port to the wrapped data keysets: each project's, and the sessions'. A keyset has no expiry: it
 * must outlive every value encrypted under it, and goes only when its project is shredded.
 *
 * <p>Adapters fail with {@link domain.StoreUnavailableException} when their store cannot answer.
 */
public interface ProjectKeysets {

    Uni<Optional<WrappedKeyset>> find(KeysetOwner owner);

    /**
     * Stores {@code keyset} (revision 1) unless its owner has one already; answers the one stored
     * afterwards, so that of two instances creating a keyset at once both use the one that won.
     */
    Uni<WrappedKeyset> createIfAbsent(KeysetOwner owner, WrappedKeyset keyset);

    /**
     * Replaces the owner's keyset with {@code next} if the stored one is still at the revision
     * before it; false when it is not (another replacement won, or there is none).
     */
    Uni<Boolean> replace(KeysetOwner owner, WrappedKeyset next);

    /** Destroys the owner's keyset (crypto-shredding), and the record of its rotation; false when it had no keyset. */
    Uni<Boolean> destroy(KeysetOwner owner);

    /** Records the owner's latest rotation, in place of the one before. */
    Uni<Void> saveRotation(KeyRotation rotation);

    /** The latest rotation of every owner that rotated (one per owner: as many as there are projects, and one). */
    Uni<List<KeyRotation>> rotations();
}
