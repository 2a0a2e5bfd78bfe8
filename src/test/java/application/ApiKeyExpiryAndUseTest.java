package application;

import static org.assertj.core.api.Assertions.assertThat;

import domain.access.ApiKey;
import domain.access.ApiKeyName;
import domain.access.ApiKeySecret;
import domain.access.AuthenticationPolicy;
import domain.access.BootstrapKey;
import domain.access.Principal;
import domain.access.ProjectAccess;
import domain.access.Scope;
import infrastructure.memory.InMemoryApiKeyRepository;
import infrastructure.memory.InMemoryRevocations;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import support.MutableClock;

/**
 * An API key's expiry and last use, as authentication sees them: an expired key is refused like an
 * unknown one, also while the instance holds it; a use is noted in the store at most once a minute.
 * Plain JUnit on the in-memory store with a clock the test moves.
 */
class ApiKeyExpiryAndUseTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    private final MutableClock clock = new MutableClock();
    private final AtomicInteger notes = new AtomicInteger();
    private final InMemoryApiKeyRepository store = new InMemoryApiKeyRepository();
    private final ApiKeyService service = new ApiKeyService(new CountingNotes(store, notes), BootstrapKey.of(ApiKeySecret.generate()),
            new AuthenticationPolicy(Duration.ofMinutes(5), 10_000, Duration.ofMinutes(10), 10_000), clock,
            new SimpleMeterRegistry(), new InMemoryRevocations(), RequestContexts.NONE);

    private String storedKey(String name, Instant expiresAt) {
        ApiKeySecret secret = ApiKeySecret.generate();
        store.create(new ApiKey(ApiKeyName.of(name), secret.digest(), ProjectAccess.all(), Set.of(Scope.CACHE_READ),
                clock.instant(), expiresAt)).await().atMost(WAIT);
        return secret.reveal();
    }

    private Optional<Principal> authenticate(String secret) {
        return service.authenticate(secret).await().atMost(WAIT);
    }

    @Test
    void refusesAKeyFromItsExpiryOnEvenWhileThisInstanceHoldsIt() {
        String secret = storedKey("short-lived", clock.instant().plus(Duration.ofMinutes(3)));
        assertThat(authenticate(secret)).map(Principal::name).contains("short-lived");

        clock.advance(Duration.ofMinutes(3).minusMillis(1));
        assertThat(authenticate(secret)).as("held, and not expired yet").isPresent();
        clock.advance(Duration.ofMillis(1));

        assertThat(authenticate(secret)).as("expired: refused like an unknown key").isEmpty();
        clock.advance(Duration.ofMinutes(1));
        assertThat(authenticate(secret)).as("and it stays refused after the store was asked again").isEmpty();
    }

    @Test
    void notesAKeysUseInTheStoreAtMostOnceAMinuteOnOneInstance() {
        String secret = storedKey("busy", null);
        Instant first = clock.instant();

        for (int i = 0; i < 100; i++) {
            assertThat(authenticate(secret)).isPresent();
        }
        assertThat(notes.get()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(59));
        for (int i = 0; i < 100; i++) {
            authenticate(secret);
        }
        assertThat(notes.get()).as("within the minute, no other write").isEqualTo(1);
        assertThat(lastUse("busy")).contains(first);

        clock.advance(Duration.ofSeconds(1));
        authenticate(secret);
        assertThat(notes.get()).isEqualTo(2);
        assertThat(lastUse("busy")).contains(first.plusSeconds(60));
        assertThat(service.list(BootstrapKey.of(ApiKeySecret.generate()).principal()).await().atMost(WAIT))
                .filteredOn(k -> k.key().name().value().equals("busy")).singleElement()
                .extracting(ApiKeyService.Listed::lastUsedAt).isEqualTo(Optional.of(first.plusSeconds(60)));
    }

    private Optional<Instant> lastUse(String name) {
        return Optional.ofNullable(store.lastUses(List.of(ApiKeyName.of(name))).await().atMost(WAIT).get(ApiKeyName.of(name)));
    }

    /** The store, counting the notes of a use it is sent. */
    private static final class CountingNotes extends ForwardingKeys {

        private final AtomicInteger notes;

        CountingNotes(InMemoryApiKeyRepository store, AtomicInteger notes) {
            super(store);
            this.notes = notes;
        }

        @Override
        public Uni<Void> recordUse(ApiKeyName name, Instant at) {
            notes.incrementAndGet();
            return super.recordUse(name, at);
        }
    }
}
