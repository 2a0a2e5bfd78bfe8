package domain.encryption;

import domain.InvalidValueException;
import java.util.Arrays;

/**
 * A project's data keyset as the store keeps it: encrypted by a key-encryption key, never in clear.
 *
 * @param kekId    which key-encryption key wrapped it, so that a wrong one is named, not guessed at
 * @param bytes    the wrapped keyset; opaque to the store
 * @param revision 1 when created, one more on every replacement: what a replacement is conditional on
 */
public record WrappedKeyset(String kekId, byte[] bytes, long revision) {

    public WrappedKeyset {
        if (kekId == null || kekId.isEmpty() || kekId.length() > 64) {
            throw new InvalidValueException("a key-encryption key id has 1 to 64 characters");
        }
        if (bytes == null || bytes.length == 0) {
            throw new InvalidValueException("a wrapped keyset is never empty");
        }
        if (revision < 1) {
            throw new InvalidValueException("a keyset revision starts at 1");
        }
        bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The same keyset wrapped anew (a new key, or another key-encryption key), one revision on. */
    public WrappedKeyset next(String kekId, byte[] bytes) {
        return new WrappedKeyset(kekId, bytes, revision + 1);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof WrappedKeyset that && kekId.equals(that.kekId) && revision == that.revision
                && Arrays.equals(bytes, that.bytes);
    }

    @Override
    public int hashCode() {
        return (kekId.hashCode() * 31 + Long.hashCode(revision)) * 31 + Arrays.hashCode(bytes);
    }

    /** Never the bytes: wrapped or not, key material stays out of logs. */
    @Override
    public String toString() {
        return "WrappedKeyset[kek=" + kekId + ", revision=" + revision + ", " + bytes.length + " bytes]";
    }
}
