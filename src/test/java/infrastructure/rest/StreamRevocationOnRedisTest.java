package infrastructure.rest;

import static org.assertj.core.api.Assertions.assertThat;

import application.ApiKeyService;
import application.RequestContexts;
import application.SessionService;
import com.fasterxml.jackson.databind.ObjectMapper;
import domain.access.ApiKeyName;
import domain.access.AuthenticationPolicy;
import domain.access.BootstrapKey;
import domain.project.ProjectId;
import domain.session.SessionId;
import domain.session.SessionPolicy;
import infrastructure.redis.RedisApiKeyRepository;
import infrastructure.redis.RedisRevocations;
import infrastructure.redis.RedisSessionRepository;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import support.RedisClients;
import support.RedisStoreProfile;
import support.SharedRedis;
import support.SseClient;

/**
 * Revoked principals' streams end on Redis, also when the revocation is made on another instance:
 * here a second, separately built set of services and adapters on the same Redis and prefix, with
 * connections of its own (the packaged service as a second process: {@code service.StreamRevocationIT}).
 */
@QuarkusTest
@TestProfile(RedisStoreProfile.class)
class StreamRevocationOnRedisTest extends StreamRevocationTests {

    @ConfigProperty(name = "cache-domain.redis.key-prefix")
    String prefix;

    @Inject
    BootstrapKey bootstrap;

    @Inject
    AuthenticationPolicy authentication;

    @Inject
    SessionPolicy sessionPolicy;

    @Inject
    ObjectMapper json;

    private RedisRevocations otherRevocations;
    private ApiKeyService otherKeys;
    private SessionService otherSessions;

    @BeforeEach
    void anotherInstance() {
        ReactiveRedisDataSource other = RedisClients.dataSource(SharedRedis.server().url());
        Clock clock = Clock.systemUTC();
        otherRevocations = new RedisRevocations(other, prefix);
        otherKeys = new ApiKeyService(new RedisApiKeyRepository(other, prefix, json), bootstrap, authentication, clock,
                new SimpleMeterRegistry(), otherRevocations, RequestContexts.NONE);
        otherSessions = new SessionService(new RedisSessionRepository(other, prefix, clock), sessionPolicy, clock, otherRevocations);
    }

    @AfterEach
    void closeTheOtherInstance() {
        otherRevocations.close().await().atMost(WAIT);
    }

    @Test
    void endsTheStreamOfAKeyRevokedOnAnotherInstance() {
        String id = started(5);
        NamedKey reader = namedKey(List.of(project), "progress:read");
        SseClient.Stream stream = opened(follow(id, reader.secret()));

        assertThat(otherKeys.revoke(bootstrap.principal(), ApiKeyName.of(reader.name())).await().atMost(WAIT)).isTrue();

        assertThat(stream.endsWithin(PROMPTLY)).isTrue();
        assertThat(follow(id, reader.secret()).status()).isEqualTo(401);
    }

    @Test
    void endsTheStreamsOfASessionRevokedOrStrippedOnAnotherInstance() {
        String id = started(5);
        Session revoked = session(List.of(project));
        Session stripped = session(List.of(project));
        SseClient.Stream ofRevoked = opened(byCookie(id, revoked.token()));
        SseClient.Stream ofStripped = opened(follow(id, stripped.token()));

        assertThat(otherSessions.revoke(bootstrap.principal(), SessionId.of(revoked.id())).await().atMost(WAIT)).isTrue();
        assertThat(otherSessions.changeAccess(bootstrap.principal(), SessionId.of(stripped.id()), ProjectId.of(project), false)
                .await().atMost(WAIT)).isPresent();

        assertThat(ofRevoked.endsWithin(PROMPTLY)).isTrue();
        assertThat(ofStripped.endsWithin(PROMPTLY)).isTrue();
        assertThat(byCookie(id, revoked.token()).status()).isEqualTo(401);
        assertThat(follow(id, stripped.token()).status()).isEqualTo(403);
    }
}
