package domain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/** Random material and digests for credentials, in one place so every credential uses the same. */
public final class Secrets {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder URL_SAFE = Base64.getUrlEncoder().withoutPadding();
    private static final HexFormat HEX = HexFormat.of();
    /**
     * A fresh SHA-256 digest to clone: every request's presented key is digested, and cloning costs a
     * fraction of {@link MessageDigest#getInstance}'s look-up through the security providers.
     */
    private static final MessageDigest SHA_256 = sha256();

    private Secrets() {
    }

    /** {@code bytes} bytes from a CSPRNG, base64url without padding. */
    public static String randomUrlSafe(int bytes) {
        byte[] raw = new byte[bytes];
        RANDOM.nextBytes(raw);
        return URL_SAFE.encodeToString(raw);
    }

    /** The SHA-256 digest of {@code value}'s UTF-8 bytes, lowercase hex. */
    public static String sha256Hex(String value) {
        MessageDigest digest;
        try {
            digest = (MessageDigest) SHA_256.clone();
        } catch (CloneNotSupportedException e) {
            digest = sha256();
        }
        return HEX.formatHex(digest.digest(value.getBytes(StandardCharsets.UTF_8)));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }

    /** Compares two digests in time independent of where they differ. */
    public static boolean sameDigest(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
    }
}
