package domain.encryption;

import io.smallrye.mutiny.Uni;

/**
 * The key that wraps the projects' data keysets: held by the service's operator (a secret in its
 * configuration) or by a key management service, never in the store. The port a KMS adapter
 * implements.
 */
public interface KeyEncryptionKey {

    /**
     * Names this key in what it wraps, so that a keyset wrapped by another is refused by name. Not
     * secret, and reveals nothing of the key.
     */
    String id();

    /** Encrypts key material, bound to {@code context}: unwrapping needs the same context. */
    Uni<byte[]> wrap(byte[] keyMaterial, byte[] context);

    /** The key material {@link #wrap} was given; fails when the bytes or the context differ. */
    Uni<byte[]> unwrap(byte[] wrapped, byte[] context);
}
