package domain.access;

import io.smallrye.mutiny.Uni;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The port to the store of API keys, which it holds by the digest of their secret only. */
public interface ApiKeyRepository {

    /** Stores a new key; answers false, storing nothing, when the name is taken or another key has its secret digest. */
    Uni<Boolean> create(ApiKey key);

    /** The key whose secret has this SHA-256 digest. */
    Uni<Optional<ApiKey>> findByDigest(String secretDigest);

    /** The key of that name. */
    Uni<Optional<ApiKey>> findByName(ApiKeyName name);

    /** Every key, ordered by name. */
    Uni<List<ApiKey>> list();

    /** Revokes the key at once, and forgets its last use; answers false when there was none of that name. */
    Uni<Boolean> delete(ApiKeyName name);

    /**
     * Notes that the key was used at {@code at}, keeping the latest time given; nothing for a key of
     * that name that does not exist (revoked meanwhile), so a late note never outlives its key.
     */
    Uni<Void> recordUse(ApiKeyName name, Instant at);

    /** The last noted use of each of these keys that has one. */
    Uni<Map<ApiKeyName, Instant>> lastUses(Collection<ApiKeyName> names);
}
