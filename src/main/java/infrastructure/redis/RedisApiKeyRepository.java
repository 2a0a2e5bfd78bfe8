package infrastructure.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import domain.access.ApiKey;
import domain.access.ApiKeyName;
import domain.access.ApiKeyRepository;
import domain.access.ProjectAccess;
import domain.access.Scope;
import domain.project.ProjectId;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.hash.ReactiveHashCommands;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The API key port on Redis: a registry hash by name for listing and revoking, and one record per
 * key under the SHA-256 digest of its secret for authentication in one GET.
 */
public final class RedisApiKeyRepository implements ApiKeyRepository {

    private static final LuaScript CREATE = LuaScript.load("apikey_create");
    private static final LuaScript DELETE = LuaScript.load("apikey_delete");
    private static final LuaScript USED = LuaScript.load("apikey_used");

    private final ReactiveRedisDataSource redis;
    private final ReactiveHashCommands<String, String, String> hashes;
    private final ReactiveValueCommands<String, String> values;
    private final RedisKeys keys;
    private final ObjectMapper json;

    public RedisApiKeyRepository(ReactiveRedisDataSource redis, String keyPrefix, ObjectMapper json) {
        this.redis = redis;
        this.hashes = redis.hash(String.class, String.class, String.class);
        this.values = redis.value(String.class, String.class);
        this.keys = new RedisKeys(keyPrefix);
        this.json = json;
    }

    @Override
    public Uni<Boolean> create(ApiKey key) {
        return CREATE.run(redis, List.of(keys.apiKeyRegistry(), keys.apiKeyRecord(key.secretDigest())),
                        List.of(key.name().value(), write(key)))
                .map(r -> r.toInteger() == 1)
                .onFailure().transform(RedisFailures::translate);
    }

    @Override
    public Uni<Optional<ApiKey>> findByDigest(String secretDigest) {
        return values.get(keys.apiKeyRecord(secretDigest))
                .map(record -> Optional.ofNullable(record).map(this::read))
                .onFailure().transform(RedisFailures::translate);
    }

    @Override
    public Uni<Optional<ApiKey>> findByName(ApiKeyName name) {
        return hashes.hget(keys.apiKeyRegistry(), name.value())
                .map(record -> Optional.ofNullable(record).map(this::read))
                .onFailure().transform(RedisFailures::translate);
    }

    @Override
    public Uni<List<ApiKey>> list() {
        return hashes.hgetall(keys.apiKeyRegistry())
                .map(all -> all.values().stream().map(this::read)
                        .sorted(Comparator.comparing(k -> k.name().value())).toList())
                .onFailure().transform(RedisFailures::translate);
    }

    @Override
    public Uni<Boolean> delete(ApiKeyName name) {
        return hashes.hget(keys.apiKeyRegistry(), name.value())
                .chain(record -> record == null
                        ? Uni.createFrom().item(false)
                        : DELETE.run(redis, List.of(keys.apiKeyRegistry(), keys.apiKeyRecord(read(record).secretDigest()),
                                keys.apiKeyUses()), List.of(name.value(), record)).map(r -> r.toInteger() == 1))
                .onFailure().transform(RedisFailures::translate);
    }

    @Override
    public Uni<Void> recordUse(ApiKeyName name, Instant at) {
        return USED.run(redis, List.of(keys.apiKeyRegistry(), keys.apiKeyUses()),
                        List.of(name.value(), Long.toString(at.toEpochMilli())))
                .replaceWithVoid()
                .onFailure().transform(RedisFailures::translate);
    }

    @Override
    public Uni<Map<ApiKeyName, Instant>> lastUses(Collection<ApiKeyName> names) {
        if (names.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        List<ApiKeyName> asked = List.copyOf(names);
        return hashes.hmget(keys.apiKeyUses(), asked.stream().map(ApiKeyName::value).toArray(String[]::new))
                .map(found -> {
                    Map<ApiKeyName, Instant> uses = new HashMap<>();
                    asked.forEach(name -> {
                        String millis = found.get(name.value());
                        if (millis != null) {
                            uses.put(name, Instant.ofEpochMilli(Long.parseLong(millis)));
                        }
                    });
                    return uses;
                })
                .onFailure().transform(RedisFailures::translate);
    }

    private String write(ApiKey key) {
        List<String> projects = key.projects() instanceof ProjectAccess.Only only
                ? only.projects().stream().map(ProjectId::value).sorted().toList()
                : List.of("*");
        List<String> scopes = key.scopes().stream().map(Scope::wireName).sorted().toList();
        try {
            return json.writeValueAsString(new StoredKey(key.name().value(), key.secretDigest(), projects, scopes,
                    key.createdAt().toEpochMilli(), key.expiry().map(Instant::toEpochMilli).orElse(null)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an API key record always serializes", e);
        }
    }

    private ApiKey read(String record) {
        try {
            StoredKey stored = json.readValue(record, StoredKey.class);
            ProjectAccess projects = stored.projects().contains("*")
                    ? ProjectAccess.all()
                    : ProjectAccess.only(stored.projects().stream().map(ProjectId::of).collect(Collectors.toSet()));
            Set<Scope> scopes = stored.scopes().stream().map(Scope::parse).collect(Collectors.toSet());
            return new ApiKey(ApiKeyName.of(stored.name()), stored.digest(), projects, scopes,
                    Instant.ofEpochMilli(stored.createdAt()),
                    stored.expiresAt() == null ? null : Instant.ofEpochMilli(stored.expiresAt()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable API key record in Redis", e);
        }
    }

    /**
     * The stored form: what Redis holds of a key; never the secret, only its digest. {@code expiresAt}
     * (epoch milliseconds) is absent from records written before keys could expire, and for keys that never do.
     */
    @RegisterForReflection
    record StoredKey(String name, String digest, List<String> projects, List<String> scopes, long createdAt, Long expiresAt) {
    }
}
