package infrastructure.values;

import domain.cache.CacheKey;
import domain.encryption.KeysetOwner;
import domain.project.ProjectId;
import domain.session.SessionId;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Where a value is stored: what its ciphertext is bound to (the associated data of its encryption),
 * so that a ciphertext copied to another project, another kind of object or another name fails to
 * decrypt.
 *
 * @param owner whose keyset encrypts it: its project's, or the sessions'
 * @param kind  what the value belongs to ({@code cache} for a cache entry, {@code session} for a
 *              session's user data)
 * @param name  the object's name within its owner and kind (the cache key, the session id)
 */
public record ValueContext(KeysetOwner owner, String kind, String name) {

    /** Names the version of this binding, so that a future one can never be confused with it. */
    private static final byte[] DOMAIN = "cache-domain/value/1".getBytes(StandardCharsets.US_ASCII);

    public static ValueContext cacheEntry(ProjectId project, CacheKey key) {
        return new ValueContext(KeysetOwner.of(project), "cache", key.value());
    }

    /** A session's user data: bound to the session, so that it cannot be moved to another one. */
    public static ValueContext sessionData(SessionId session) {
        return new ValueContext(KeysetOwner.SESSIONS, "session", session.value());
    }

    /**
     * The associated data: each part length-prefixed, so that no two contexts share their bytes
     * (owner {@code a}, name {@code b:c} never reads as owner {@code a:b}, name {@code c}).
     */
    byte[] associatedData() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + name.length());
        for (byte[] part : new byte[][] {DOMAIN, owner.value().getBytes(StandardCharsets.UTF_8),
                kind.getBytes(StandardCharsets.UTF_8), name.getBytes(StandardCharsets.UTF_8)}) {
            out.write(part.length >>> 8);
            out.write(part.length);
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
