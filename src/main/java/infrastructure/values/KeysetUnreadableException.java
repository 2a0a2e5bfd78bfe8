package infrastructure.values;

import domain.StoreUnavailableException;

/**
 * A project's stored keyset cannot be used: wrapped by another key-encryption key, damaged, or none
 * is configured. A write that would need it fails as if the store could not take it (nothing is ever
 * stored in clear instead); a read of a value it encrypted reads as absent.
 */
public final class KeysetUnreadableException extends StoreUnavailableException {

    public KeysetUnreadableException(String message) {
        super(message, null);
    }
}
