package domain.access;

import domain.Secrets;

/**
 * The secret half of an API key: 256 random bits, shown to its owner once and stored only as a
 * SHA-256 digest.
 *
 * <p>A plain digest suffices because the secret is random, not a password: there is nothing to
 * guess from a dictionary, and a fast hash keeps authentication to one lookup.
 */
public final class ApiKeySecret {

    private static final String PREFIX = "cdk_";

    private final String value;

    private ApiKeySecret(String value) {
        this.value = value;
    }

    /** A fresh secret from a CSPRNG: {@code cdk_} followed by 43 URL-safe characters. */
    public static ApiKeySecret generate() {
        return new ApiKeySecret(PREFIX + Secrets.randomUrlSafe(32));
    }

    /** Wraps a secret a caller presented or an operator configured. */
    public static ApiKeySecret of(String value) {
        return new ApiKeySecret(value);
    }

    /** The secret itself; only for the one response that hands it to its owner. */
    public String reveal() {
        return value;
    }

    /** The SHA-256 digest of the secret, hex encoded: what the store keeps and looks keys up by. */
    public String digest() {
        return Secrets.sha256Hex(value);
    }

    /** Never the secret: a key must not end up in a log by accident. */
    @Override
    public String toString() {
        return "ApiKeySecret[redacted]";
    }
}
