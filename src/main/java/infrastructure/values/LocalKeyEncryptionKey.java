package infrastructure.values;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.subtle.AesGcmJce;
import domain.encryption.KeyEncryptionKey;
import io.smallrye.mutiny.Uni;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A key-encryption key the operator holds: 32 bytes from the configuration (an environment variable
 * or a mounted file), used with AES-256-GCM. Its id is a digest of the key, so that a keyset wrapped
 * by another key is refused by name; the id reveals nothing of the key.
 */
public final class LocalKeyEncryptionKey implements KeyEncryptionKey {

    private static final int KEY_BYTES = 32;

    private final Aead aead;
    private final String id;

    private LocalKeyEncryptionKey(byte[] key) throws GeneralSecurityException {
        this.aead = new AesGcmJce(key);
        this.id = "local-" + HexFormat.of().formatHex(digest(key), 0, 8);
    }

    /**
     * The key in {@code base64}: exactly 32 bytes once decoded. The message of a refusal never
     * quotes the text it was given.
     */
    public static LocalKeyEncryptionKey fromBase64(String base64) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the key-encryption key is not base64 (make one with: openssl rand -base64 32)");
        }
        try {
            if (key.length != KEY_BYTES) {
                throw new IllegalArgumentException("the key-encryption key must be 32 bytes once decoded from base64, not "
                        + key.length + " (make one with: openssl rand -base64 32)");
            }
            return new LocalKeyEncryptionKey(key);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM is not available in this Java runtime", e);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /** The key in base64 in {@code file}, surrounding white space ignored. */
    public static LocalKeyEncryptionKey fromFile(Path file) {
        try {
            return fromBase64(new String(Files.readAllBytes(file), StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the key-encryption key file " + file + ": " + e.getMessage());
        }
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Uni<byte[]> wrap(byte[] keyMaterial, byte[] context) {
        return Uni.createFrom().item(() -> {
            try {
                return aead.encrypt(keyMaterial, context);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot wrap a keyset", e);
            }
        });
    }

    @Override
    public Uni<byte[]> unwrap(byte[] wrapped, byte[] context) {
        return Uni.createFrom().item(() -> {
            try {
                return aead.decrypt(wrapped, context);
            } catch (GeneralSecurityException e) {
                throw new KeysetUnreadableException("a keyset does not decrypt with the key-encryption key " + id);
            }
        });
    }

    private static byte[] digest(byte[] key) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update("cache-domain key-encryption key id".getBytes(StandardCharsets.US_ASCII));
            return sha.digest(key);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }
}
