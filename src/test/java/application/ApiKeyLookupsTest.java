package application;

import static org.assertj.core.api.Assertions.assertThat;

import domain.access.ApiKey;
import domain.access.ApiKeyName;
import domain.access.ApiKeyRepository;
import domain.access.ApiKeySecret;
import domain.access.AuthenticationPolicy;
import domain.access.BootstrapKey;
import domain.access.Principal;
import domain.access.ProjectAccess;
import domain.access.Revocation;
import domain.access.Scope;
import infrastructure.memory.InMemoryApiKeyRepository;
import infrastructure.memory.InMemoryRevocations;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.helpers.test.UniAssertSubscriber;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The first requests with a key the instance does not hold yet: those that come while its store
 * lookup runs share it, so a burst of them (a thousand event streams opening at once) costs the
 * store one lookup. Plain JUnit on the in-memory store, behind a gate that holds its answers back.
 */
class ApiKeyLookupsTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    private final InMemoryApiKeyRepository memory = new InMemoryApiKeyRepository();
    private final AtomicInteger lookups = new AtomicInteger();
    private volatile CompletableFuture<Void> gate = new CompletableFuture<>();
    /** The in-memory store, counting lookups by digest and answering them once the gate opens. */
    private final ApiKeyRepository store = new ApiKeyRepository() {
        @Override
        public Uni<Boolean> create(ApiKey key) {
            return memory.create(key);
        }

        @Override
        public Uni<Optional<ApiKey>> findByDigest(String secretDigest) {
            lookups.incrementAndGet();
            CompletableFuture<Void> open = gate;
            return Uni.createFrom().completionStage(open).chain(() -> memory.findByDigest(secretDigest));
        }

        @Override
        public Uni<Optional<ApiKey>> findByName(ApiKeyName name) {
            return memory.findByName(name);
        }

        @Override
        public Uni<List<ApiKey>> list() {
            return memory.list();
        }

        @Override
        public Uni<Boolean> delete(ApiKeyName name) {
            return memory.delete(name);
        }

        @Override
        public Uni<Void> recordUse(ApiKeyName name, Instant at) {
            return memory.recordUse(name, at);
        }

        @Override
        public Uni<java.util.Map<ApiKeyName, Instant>> lastUses(java.util.Collection<ApiKeyName> names) {
            return memory.lastUses(names);
        }
    };
    private final InMemoryRevocations revocations = new InMemoryRevocations();
    private final ApiKeyService service = new ApiKeyService(store, BootstrapKey.of(ApiKeySecret.generate()),
            new AuthenticationPolicy(Duration.ofMinutes(5), 10_000, Duration.ofSeconds(60), 10_000), Clock.systemUTC(),
            new SimpleMeterRegistry(), revocations, RequestContexts.NONE);

    private String storedKey(String name) {
        ApiKeySecret secret = ApiKeySecret.generate();
        memory.create(new ApiKey(ApiKeyName.of(name), secret.digest(), ProjectAccess.all(), Set.of(Scope.PROGRESS_READ),
                Instant.now())).await().atMost(WAIT);
        return secret.reveal();
    }

    private List<UniAssertSubscriber<Optional<Principal>>> authenticate(String secret, int times) {
        List<UniAssertSubscriber<Optional<Principal>>> answers = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            answers.add(service.authenticate(secret).subscribe().withSubscriber(UniAssertSubscriber.create()));
        }
        return answers;
    }

    @Test
    void looksUpANewKeyOnceForEveryRequestThatComesWhileItsLookupRuns() {
        String secret = storedKey("browser");

        List<UniAssertSubscriber<Optional<Principal>>> answers = authenticate(secret, 50);
        gate.complete(null);

        answers.forEach(answer -> assertThat(answer.awaitItem(WAIT).getItem()).map(Principal::name).contains("browser"));
        assertThat(lookups.get()).isEqualTo(1);
    }

    @Test
    void looksUpAgainForARequestThatComesAfterARevocationNoticeThoughTheFirstLookupStillRuns() {
        String secret = storedKey("browser");
        List<UniAssertSubscriber<Optional<Principal>>> before = authenticate(secret, 1);

        revocations.publish(new Revocation.KeyRevoked(ApiKeyName.of("someone-else"))).await().atMost(WAIT);
        List<UniAssertSubscriber<Optional<Principal>>> after = authenticate(secret, 1);
        gate.complete(null);

        assertThat(before.get(0).awaitItem(WAIT).getItem()).isPresent();
        assertThat(after.get(0).awaitItem(WAIT).getItem()).isPresent();
        assertThat(lookups.get()).isEqualTo(2);
    }
}
