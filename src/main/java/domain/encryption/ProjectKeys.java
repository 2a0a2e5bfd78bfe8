package domain.encryption;

import io.smallrye.mutiny.Uni;
import java.util.List;
import java.util.Optional;

/**
 * The projects' and the sessions' encryption keys as use cases manage them: rotated, retired, shredded, described.
 * Changes made through it are taken up at once by this instance and within the keyset refresh by the
 * others.
 */
public interface ProjectKeys {

    /**
     * Adds a new key to the owner's keyset and makes it primary (making the keyset when the owner
     * has none), and records the rotation as started. New values are encrypted under it from now on
     * on this instance; the others take it up within {@link #propagation()}.
     */
    Uni<KeyRotation> rotate(KeysetOwner owner);

    /**
     * Disables every key but the primary, if the primary is still {@code primaryKeyId} (a newer
     * rotation leaves them to its own end), and records the rotation as finished. Answers the keys
     * disabled.
     */
    Uni<List<Integer>> retire(KeysetOwner owner, int primaryKeyId);

    /** The owner's keys; empty when it has no keyset. */
    Uni<Optional<KeysetInfo>> describe(KeysetOwner owner);

    /** The latest rotation of every owner that rotated its keys, finished or not. */
    Uni<List<KeyRotation>> rotations();

    /** Destroys the owner's keyset (crypto-shredding); false when it had none. */
    Uni<Boolean> shred(KeysetOwner owner);

    /** Whether keys can be made at all: false when no key-encryption key is configured. */
    boolean available();

    /** The longest another instance may go on encrypting under a key that is no longer primary. */
    java.time.Duration propagation();
}
