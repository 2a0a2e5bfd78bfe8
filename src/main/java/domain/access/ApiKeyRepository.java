package domain.access;

import io.smallrye.mutiny.Uni;
import java.util.List;
import java.util.Optional;

/** The port to the store of API keys, which it holds by the digest of their secret only. */
public interface ApiKeyRepository {

    /** Stores a new key; answers false, storing nothing, when the name is taken. */
    Uni<Boolean> create(ApiKey key);

    /** The key whose secret has this SHA-256 digest. */
    Uni<Optional<ApiKey>> findByDigest(String secretDigest);

    /** The key of that name. */
    Uni<Optional<ApiKey>> findByName(ApiKeyName name);

    /** Every key, ordered by name. */
    Uni<List<ApiKey>> list();

    /** Revokes the key at once; answers false when there was none of that name. */
    Uni<Boolean> delete(ApiKeyName name);
}
