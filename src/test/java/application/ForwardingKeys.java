package application;

import domain.access.ApiKey;
import domain.access.ApiKeyName;
import domain.access.ApiKeyRepository;
import io.smallrye.mutiny.Uni;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** An API key store that hands every call to another, for tests that watch or change one kind of call. */
class ForwardingKeys implements ApiKeyRepository {

    private final ApiKeyRepository store;

    ForwardingKeys(ApiKeyRepository store) {
        this.store = store;
    }

    @Override
    public Uni<Boolean> create(ApiKey key) {
        return store.create(key);
    }

    @Override
    public Uni<Optional<ApiKey>> findByDigest(String secretDigest) {
        return store.findByDigest(secretDigest);
    }

    @Override
    public Uni<Optional<ApiKey>> findByName(ApiKeyName name) {
        return store.findByName(name);
    }

    @Override
    public Uni<List<ApiKey>> list() {
        return store.list();
    }

    @Override
    public Uni<Boolean> delete(ApiKeyName name) {
        return store.delete(name);
    }

    @Override
    public Uni<Void> recordUse(ApiKeyName name, Instant at) {
        return store.recordUse(name, at);
    }

    @Override
    public Uni<Map<ApiKeyName, Instant>> lastUses(Collection<ApiKeyName> names) {
        return store.lastUses(names);
    }
}
