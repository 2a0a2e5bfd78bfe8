package infrastructure.values;

import domain.cache.CacheKey;
import domain.project.ProjectId;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Where a value is stored: what its ciphertext is bound to (the associated data of its encryption),
 * so that a ciphertext copied to another project, another kind of object or another name fails to
 * decrypt.
 *
 * @param kind what the value belongs to ({@code cache} for a cache entry)
 * @param name the object's name within its project and kind (the cache key)
 */
public record ValueContext(ProjectId project, String kind, String name) {

    /** Names the version of this binding, so that a future one can never be confused with it. */
    private static final byte[] DOMAIN = "cache-domain/value/1".getBytes(StandardCharsets.US_ASCII);

    public static ValueContext cacheEntry(ProjectId project, CacheKey key) {
        return new ValueContext(project, "cache", key.value());
    }

    /**
     * The associated data: each part length-prefixed, so that no two contexts share their bytes
     * (project {@code a}, name {@code b:c} never reads as project {@code a:b}, name {@code c}).
     */
    byte[] associatedData() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + name.length());
        for (byte[] part : new byte[][] {DOMAIN, project.value().getBytes(StandardCharsets.UTF_8),
                kind.getBytes(StandardCharsets.UTF_8), name.getBytes(StandardCharsets.UTF_8)}) {
            out.write(part.length >>> 8);
            out.write(part.length);
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
