package infrastructure.memory;

import domain.access.ApiKey;
import domain.access.ApiKeyName;
import domain.access.ApiKeyRepository;
import io.smallrye.mutiny.Uni;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The API key port in process memory, indexed by name and by secret digest. */
public final class InMemoryApiKeyRepository implements ApiKeyRepository {

    private final Map<String, ApiKey> byName = new HashMap<>();
    private final Map<String, ApiKey> byDigest = new HashMap<>();
    private final Map<String, Instant> lastUses = new HashMap<>();

    @Override
    public Uni<Boolean> create(ApiKey key) {
        return Uni.createFrom().item(() -> {
            synchronized (this) {
                if (byName.containsKey(key.name().value()) || byDigest.containsKey(key.secretDigest())) {
                    return false;
                }
                byName.put(key.name().value(), key);
                byDigest.put(key.secretDigest(), key);
                return true;
            }
        });
    }

    @Override
    public Uni<Optional<ApiKey>> findByDigest(String secretDigest) {
        return Uni.createFrom().item(() -> {
            synchronized (this) {
                return Optional.ofNullable(byDigest.get(secretDigest));
            }
        });
    }

    @Override
    public Uni<Optional<ApiKey>> findByName(ApiKeyName name) {
        return Uni.createFrom().item(() -> {
            synchronized (this) {
                return Optional.ofNullable(byName.get(name.value()));
            }
        });
    }

    @Override
    public Uni<List<ApiKey>> list() {
        return Uni.createFrom().item(() -> {
            synchronized (this) {
                return byName.values().stream().sorted(Comparator.comparing(k -> k.name().value())).toList();
            }
        });
    }

    @Override
    public Uni<Boolean> delete(ApiKeyName name) {
        return Uni.createFrom().item(() -> {
            synchronized (this) {
                ApiKey key = byName.remove(name.value());
                if (key == null) {
                    return false;
                }
                byDigest.remove(key.secretDigest());
                lastUses.remove(name.value());
                return true;
            }
        });
    }

    @Override
    public Uni<Void> recordUse(ApiKeyName name, Instant at) {
        return Uni.createFrom().item(() -> {
            synchronized (this) {
                if (byName.containsKey(name.value())) {
                    lastUses.merge(name.value(), at, (before, now) -> now.isAfter(before) ? now : before);
                }
                return null;
            }
        });
    }

    @Override
    public Uni<Map<ApiKeyName, Instant>> lastUses(Collection<ApiKeyName> names) {
        return Uni.createFrom().item(() -> {
            synchronized (this) {
                Map<ApiKeyName, Instant> found = new HashMap<>();
                names.forEach(name -> {
                    Instant at = lastUses.get(name.value());
                    if (at != null) {
                        found.put(name, at);
                    }
                });
                return found;
            }
        });
    }
}
