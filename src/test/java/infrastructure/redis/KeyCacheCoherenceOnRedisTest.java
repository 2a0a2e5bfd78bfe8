package infrastructure.redis;

import static org.assertj.core.api.Assertions.assertThat;

import application.ApiKeyService;
import application.RequestContexts;
import com.fasterxml.jackson.databind.ObjectMapper;
import contract.RevocationsContract.Heard;
import domain.access.ApiKeyName;
import domain.access.ApiKeySecret;
import domain.access.AuthenticationPolicy;
import domain.access.BootstrapKey;
import domain.access.Principal;
import domain.access.ProjectAccess;
import domain.access.Scope;
import domain.project.ProjectId;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import support.RedisClients;
import support.RedisInspection;
import support.RedisServer;

/**
 * API keys held in process stay coherent across instances on a real redis-server: two instances
 * built by hand (each its own connections, key repository, revocation channel and service) on one
 * Redis of this test's own, whose command counts and pub/sub clients no other test touches.
 */
class KeyCacheCoherenceOnRedisTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    /** How soon a key revoked on one instance must be refused on every other. */
    private static final Duration EVERYWHERE = Duration.ofMillis(100);
    private static final BootstrapKey BOOTSTRAP = BootstrapKey.of(ApiKeySecret.generate());
    private static final AuthenticationPolicy POLICY = new AuthenticationPolicy(Duration.ofMinutes(5), 10_000,
            Duration.ofSeconds(60), 10_000);

    private static RedisServer server;
    private static ReactiveRedisDataSource inspection;

    private final List<RedisRevocations> channels = new ArrayList<>();
    private String prefix;
    private Instance a;
    private Instance b;

    /** One service instance: what a process of its own would build. */
    private record Instance(ApiKeyService keys, RedisApiKeyRepository store, RedisRevocations revocations, Heard heard) {

        Optional<Principal> authenticate(String secret) {
            return keys.authenticate(secret).await().atMost(WAIT);
        }
    }

    @BeforeAll
    static void ownRedis() {
        server = RedisServer.start();
        inspection = RedisClients.dataSource(server.url());
    }

    @AfterAll
    static void stopRedis() {
        server.close();
    }

    @BeforeEach
    void twoInstances() {
        prefix = "t" + UUID.randomUUID().toString().substring(0, 8);
        a = instance();
        b = instance();
        Awaitility.await().atMost(WAIT).until(() -> a.revocations().live() && b.revocations().live());
    }

    @AfterEach
    void closeChannels() {
        channels.forEach(channel -> channel.close().await().atMost(WAIT));
    }

    private Instance instance() {
        ReactiveRedisDataSource redis = RedisClients.dataSource(server.url());
        RedisRevocations revocations = new RedisRevocations(redis, prefix);
        channels.add(revocations);
        Heard heard = new Heard();
        revocations.listen(heard);
        RedisApiKeyRepository store = new RedisApiKeyRepository(redis, prefix, new ObjectMapper());
        return new Instance(new ApiKeyService(store, BOOTSTRAP, POLICY, Clock.systemUTC(), new SimpleMeterRegistry(), revocations, RequestContexts.NONE),
                store, revocations, heard);
    }

    /** A key limited to one project, made through instance A; returns its secret. */
    private String storedKey(String name) {
        return a.keys().create(BOOTSTRAP.principal(), ApiKeyName.of(name), ProjectAccess.only(Set.of(ProjectId.of("shop"))),
                Set.of(Scope.parse("cache:read"))).await().atMost(WAIT).secret().reveal();
    }

    private static long lookups() {
        return RedisInspection.commandCalls(inspection).getOrDefault("get", 0L);
    }

    @Test
    void answersAKeyTheStoreConfirmedWithoutAskingTheStoreAgain() {
        String secret = storedKey("held");

        long before = lookups();
        assertThat(b.authenticate(secret)).map(Principal::name).contains("held");
        long between = lookups();
        assertThat(b.authenticate(secret)).map(Principal::name).contains("held");
        long after = lookups();

        assertThat(between - before).as("the first request asks the store").isEqualTo(1);
        assertThat(after - between).as("the second does not").isZero();
    }

    @Test
    void refusesAKeyRevokedOnAnotherInstanceWithinAHundredMilliseconds() {
        String secret = storedKey("revoked-elsewhere");
        assertThat(b.authenticate(secret)).isPresent();
        long held = lookups();
        assertThat(b.authenticate(secret)).isPresent();
        assertThat(lookups()).as("instance B holds the key").isEqualTo(held);

        assertThat(a.keys().revoke(BOOTSTRAP.principal(), ApiKeyName.of("revoked-elsewhere")).await().atMost(WAIT)).isTrue();

        Awaitility.await().atMost(EVERYWHERE).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5))
                .until(() -> b.authenticate(secret).isEmpty());
        // The revoking instance itself never answers with it again, whatever the channel does.
        assertThat(a.authenticate(secret)).isEmpty();
    }

    @Test
    void refusesAKeyRevokedWhileItsRevocationChannelWasDown() throws Exception {
        String secret = storedKey("revoked-unheard");
        assertThat(b.authenticate(secret)).isPresent();
        long held = lookups();
        assertThat(b.authenticate(secret)).isPresent();
        assertThat(lookups()).as("instance B holds the key").isEqualTo(held);

        assertThat(server.command("CLIENT KILL TYPE pubsub")).startsWith(":");
        Awaitility.await().atMost(WAIT).until(() -> !b.heard().lost.isEmpty());
        // Revoked in the store with no notice at all: the worst a lost channel can do is miss one.
        assertThat(b.store().delete(ApiKeyName.of("revoked-unheard")).await().atMost(WAIT)).isTrue();

        assertThat(b.authenticate(secret)).isEmpty();
    }

    @Test
    void refusesAWrongKeyAgainWithoutAskingTheStoreAgain() {
        String wrong = ApiKeySecret.generate().reveal();

        long before = lookups();
        assertThat(b.authenticate(wrong)).isEmpty();
        long between = lookups();
        for (int i = 0; i < 5; i++) {
            assertThat(b.authenticate(wrong)).isEmpty();
        }
        long after = lookups();

        assertThat(between - before).as("the first request asks the store").isEqualTo(1);
        assertThat(after - between).as("the repeats within the unknown keys' age do not").isZero();
    }

    @Test
    void asksTheStoreAgainAboutAWrongKeyOnceTheRevocationChannelWasLostAndMadeAgain() throws Exception {
        String wrong = ApiKeySecret.generate().reveal();
        assertThat(b.authenticate(wrong)).isEmpty();
        long held = lookups();
        assertThat(b.authenticate(wrong)).isEmpty();
        assertThat(lookups()).as("instance B remembers the refusal").isEqualTo(held);

        assertThat(server.command("CLIENT KILL TYPE pubsub")).startsWith(":");
        Awaitility.await().atMost(WAIT).until(() -> !b.heard().lost.isEmpty());
        Awaitility.await().atMost(WAIT).until(() -> b.revocations().live());

        assertThat(b.authenticate(wrong)).isEmpty();
        assertThat(lookups() - held).as("a refusal remembered before the loss is asked again").isEqualTo(1);
    }
}
