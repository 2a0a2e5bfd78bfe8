package contract;

import domain.cache.CacheRepository;
import domain.encryption.ProjectKeysets;
import domain.project.ProjectId;
import domain.session.SessionId;
import domain.session.SessionRepository;
import infrastructure.values.ValueCodec;

/**
 * One store under the value-chain contracts ({@link ValuesAtRestContract}, {@link KeyRotationContract}): its
 * keysets, caches and sessions on it as separate instances of the service would make them, and a look at its raw bytes.
 */
public interface ValueStore extends AutoCloseable {

    ProjectKeysets keysets();

    /** A cache on this store with {@code values}; each call another instance of the service. */
    CacheRepository cacheOn(ValueCodec values);

    /** The value of an entry exactly as the store holds it (on the memory store: as the latest cache made holds it). */
    byte[] storedValue(ProjectId project, String key);

    /** Replaces what the store holds as the value of an existing entry, behind the service's back. */
    void overwriteStoredValue(ProjectId project, String key, byte[] stored);

    /** The sessions on this store, each one's user data through {@code values}, as the service wires them. */
    SessionRepository sessionsOn(ValueCodec values);

    /** A session's user data exactly as the store holds it. */
    String storedUserData(SessionId session);

    /** Replaces what the store holds as a session's user data, behind the service's back. */
    void overwriteStoredUserData(SessionId session, String stored);

    /** Whether any byte the store keeps (every key, field and member; or its files) contains {@code needle}. */
    boolean storeContains(byte[] needle);

    @Override
    default void close() {
    }

    /** Whether {@code needle} occurs in {@code haystack}. */
    static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
