package contract;

import static org.assertj.core.api.Assertions.assertThat;

import domain.access.ApiKey;
import domain.access.ApiKeyName;
import domain.access.ApiKeyRepository;
import domain.access.ApiKeySecret;
import domain.access.ProjectAccess;
import domain.access.Scope;
import domain.project.ProjectId;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The semantics every API key adapter must have. */
public abstract class ApiKeyRepositoryContract {

    protected ApiKeyRepository keys;

    protected abstract ApiKeyRepository newRepository();

    @BeforeEach
    void createRepository() {
        keys = newRepository();
    }

    private static <T> T await(Uni<T> uni) {
        return uni.await().atMost(Duration.ofSeconds(10));
    }

    private static ApiKey key(String name, ApiKeySecret secret, ProjectAccess projects, Scope... scopes) {
        return new ApiKey(ApiKeyName.of(name), secret.digest(), projects, Set.of(scopes),
                Instant.now().truncatedTo(ChronoUnit.MILLIS));
    }

    @Test
    void findsAKeyByTheDigestOfItsSecret() {
        ApiKeySecret secret = ApiKeySecret.generate();
        ApiKey stored = key("shop-backend", secret, ProjectAccess.only(Set.of(ProjectId.of("shop"))), Scope.CACHE_READ);

        assertThat(await(keys.create(stored))).isTrue();

        assertThat(await(keys.findByDigest(secret.digest()))).contains(stored);
        assertThat(await(keys.findByDigest(ApiKeySecret.generate().digest()))).isEmpty();
    }

    @Test
    void findsAKeyByItsNameUntilItIsRevoked() {
        ApiKey stored = key("by-name", ApiKeySecret.generate(), ProjectAccess.all(), Scope.PROGRESS_READ);
        await(keys.create(stored));

        assertThat(await(keys.findByName(ApiKeyName.of("by-name")))).contains(stored);
        assertThat(await(keys.findByName(ApiKeyName.of("other")))).isEmpty();
        await(keys.delete(ApiKeyName.of("by-name")));
        assertThat(await(keys.findByName(ApiKeyName.of("by-name")))).isEmpty();
    }

    @Test
    void refusesASecondKeyWithTheSameSecretDigestAndKeepsTheFirst() {
        ApiKeySecret secret = ApiKeySecret.generate();
        ApiKey first = key("first", secret, ProjectAccess.only(Set.of(ProjectId.of("shop"))), Scope.CACHE_READ);
        assertThat(await(keys.create(first))).isTrue();

        assertThat(await(keys.create(key("second", secret, ProjectAccess.all(), Scope.ADMIN)))).isFalse();

        assertThat(await(keys.findByDigest(secret.digest()))).contains(first);
        assertThat(await(keys.findByName(ApiKeyName.of("second")))).isEmpty();
    }

    @Test
    void refusesASecondKeyOfTheSameName() {
        ApiKeySecret first = ApiKeySecret.generate();
        ApiKeySecret second = ApiKeySecret.generate();
        await(keys.create(key("dup", first, ProjectAccess.all(), Scope.ADMIN)));

        assertThat(await(keys.create(key("dup", second, ProjectAccess.all(), Scope.ADMIN)))).isFalse();
        assertThat(await(keys.findByDigest(second.digest()))).isEmpty();
        assertThat(await(keys.findByDigest(first.digest()))).isPresent();
    }

    @Test
    void listsKeysByName() {
        List.of("b", "c", "a").forEach(n ->
                await(keys.create(key(n, ApiKeySecret.generate(), ProjectAccess.all(), Scope.CACHE_READ))));

        assertThat(await(keys.list())).extracting(k -> k.name().value()).containsExactly("a", "b", "c");
    }

    @Test
    void revokesAKeyAtOnce() {
        ApiKeySecret secret = ApiKeySecret.generate();
        await(keys.create(key("gone", secret, ProjectAccess.all(), Scope.CACHE_READ)));

        assertThat(await(keys.delete(ApiKeyName.of("gone")))).isTrue();

        assertThat(await(keys.findByDigest(secret.digest()))).isEmpty();
        assertThat(await(keys.list())).isEmpty();
        assertThat(await(keys.delete(ApiKeyName.of("gone")))).isFalse();
    }

    @Test
    void letsOnlyOneOfManyConcurrentCreationsOfANameWin() {
        List<Boolean> results = await(Uni.join().all(IntStream.range(0, 20)
                .mapToObj(i -> keys.create(key("race", ApiKeySecret.generate(), ProjectAccess.all(), Scope.TASKS)))
                .toList()).andFailFast());

        assertThat(results).filteredOn(Boolean::booleanValue).hasSize(1);
        assertThat(await(keys.list())).hasSize(1);
    }

    @Test
    void keepsAKeysExpiryAsGiven() {
        ApiKeySecret secret = ApiKeySecret.generate();
        Instant created = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        ApiKey expiring = new ApiKey(ApiKeyName.of("expiring"), secret.digest(), ProjectAccess.all(), Set.of(Scope.CACHE_READ),
                created, created.plus(Duration.ofDays(30)));
        await(keys.create(expiring));

        assertThat(await(keys.findByDigest(secret.digest()))).contains(expiring);
        assertThat(await(keys.findByName(ApiKeyName.of("expiring"))).orElseThrow().expiry()).contains(created.plus(Duration.ofDays(30)));
        assertThat(await(keys.list())).containsExactly(expiring);
    }

    @Test
    void keepsTheLatestNotedUseOfAKeyAndForgetsItWithTheKey() {
        ApiKeyName name = ApiKeyName.of("used");
        ApiKeyName never = ApiKeyName.of("never-used");
        await(keys.create(key("used", ApiKeySecret.generate(), ProjectAccess.all(), Scope.CACHE_READ)));
        await(keys.create(key("never-used", ApiKeySecret.generate(), ProjectAccess.all(), Scope.CACHE_READ)));
        Instant later = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Instant earlier = later.minusSeconds(90);

        await(keys.recordUse(name, later));
        await(keys.recordUse(name, earlier));
        await(keys.recordUse(ApiKeyName.of("no-such-key"), later));

        assertThat(await(keys.lastUses(List.of(name, never, ApiKeyName.of("no-such-key"))))).isEqualTo(java.util.Map.of(name, later));
        await(keys.delete(name));
        await(keys.recordUse(name, later.plusSeconds(60)));
        assertThat(await(keys.lastUses(List.of(name)))).as("a note after the revocation is dropped").isEmpty();
        await(keys.create(key("used", ApiKeySecret.generate(), ProjectAccess.all(), Scope.CACHE_READ)));
        assertThat(await(keys.lastUses(List.of(name)))).as("a new key of the name starts unused").isEmpty();
    }
}
