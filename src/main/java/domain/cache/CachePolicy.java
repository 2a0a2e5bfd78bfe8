package domain.cache;

import domain.InvalidValueException;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The limits a deployment sets on writes: default and maximum TTL, value size, tags per entry.
 *
 * <p>Rule: the default TTL may not exceed the maximum; the limits are positive.
 */
public record CachePolicy(Ttl defaultTtl, Ttl maxTtl, long maxValueBytes, int maxTagsPerEntry) {

    public CachePolicy {
        if (defaultTtl.isLongerThan(maxTtl)) {
            throw new InvalidValueException("default ttl must not exceed the maximum ttl");
        }
        if (maxValueBytes < 1 || maxTagsPerEntry < 0) {
            throw new InvalidValueException("value size limit must be positive and tag limit not negative");
        }
    }

    /**
     * Builds a write within the limits.
     *
     * @param ttlSeconds empty for the default TTL
     * @throws InvalidValueException   when the TTL or the tag count is out of bounds
     * @throws ValueTooLargeException  when the UTF-8 encoding of {@code json} exceeds the limit
     */
    public CacheWrite write(String json, OptionalLong ttlSeconds, Set<CacheTag> tags, Precondition precondition) {
        long size = utf8Length(json);
        if (size > maxValueBytes) {
            throw new ValueTooLargeException(size, maxValueBytes);
        }
        if (tags.size() > maxTagsPerEntry) {
            throw new InvalidValueException("tags", "an entry may carry at most " + maxTagsPerEntry + " tags");
        }
        return new CacheWrite(json, ttlFor(ttlSeconds), tags, precondition);
    }

    /** The TTL to use: the requested one when it lies within 1 second and the maximum, else a violation. */
    public Ttl ttlFor(OptionalLong seconds) {
        if (seconds.isEmpty()) {
            return defaultTtl;
        }
        long s = seconds.getAsLong();
        if (s < 1 || s > maxTtl.seconds()) {
            throw new InvalidValueException("ttlSeconds", "ttlSeconds must be between 1 and " + maxTtl.seconds());
        }
        return Ttl.ofSeconds(s);
    }

    /** The number of bytes {@code s} takes in UTF-8, computed without encoding it. */
    static long utf8Length(String s) {
        long bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
