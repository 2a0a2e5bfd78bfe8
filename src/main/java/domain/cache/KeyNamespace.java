package domain.cache;

import domain.Characters;
import domain.InvalidValueException;
import java.util.HexFormat;

/**
 * The part of a content-addressed key that a client chooses, and the rule that derives the key
 * from it and a JSON value: {@code <namespace>:<SHA-256 of the value's RFC 8785 canonical JSON in
 * UTF-8, as 64 lowercase hex digits>}. Equal JSON values give equal keys, whatever the order of
 * their members, their whitespace, escapes or way of writing a number.
 *
 * <p>Rule: 1 to {@value #MAX_LENGTH} characters of the key alphabet {@code A-Z a-z 0-9 . _ : ~ -},
 * so that the derived key, 65 characters longer, is still a {@link CacheKey}.
 */
public record KeyNamespace(String value) {

    /** The name of the derivation, as the API reports it beside every key. */
    public static final String ALGORITHM = "jcs-sha256";
    /** A SHA-256 digest as hex digits. */
    public static final int DIGEST_LENGTH = 64;
    public static final int MAX_LENGTH = CacheKey.MAX_LENGTH - 1 - DIGEST_LENGTH;

    public KeyNamespace {
        if (value == null || value.isEmpty() || value.length() > MAX_LENGTH || !Characters.isKeyAlphabet(value)) {
            throw new InvalidValueException("namespace must be 1 to " + MAX_LENGTH
                    + " characters of A-Z, a-z, 0-9, '.', '_', ':', '~' or '-', so that the key it begins "
                    + "(with ':' and 64 hex digits after it) is at most " + CacheKey.MAX_LENGTH + " characters");
        }
    }

    public static KeyNamespace of(String value) {
        return new KeyNamespace(value);
    }

    /** The key of {@code material} in this namespace; the same for every JSON text of the same value. */
    public CacheKey keyFor(KeyMaterial material) {
        return CacheKey.of(value + ':' + HexFormat.of().formatHex(CanonicalJson.sha256(material)));
    }

    @Override
    public String toString() {
        return value;
    }
}
