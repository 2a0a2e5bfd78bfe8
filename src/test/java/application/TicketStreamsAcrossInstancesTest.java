package application;

import static org.assertj.core.api.Assertions.assertThat;

import domain.access.ApiKey;
import domain.access.ApiKeyName;
import domain.access.ApiKeySecret;
import domain.access.Principal;
import domain.access.ProjectAccess;
import domain.access.Revocation;
import domain.access.Revocations;
import domain.access.Scope;
import domain.progress.ProgressId;
import domain.progress.ProgressPolicy;
import domain.progress.ProgressRepository;
import domain.progress.StreamItem;
import domain.project.ProjectId;
import infrastructure.memory.InMemoryApiKeyRepository;
import infrastructure.memory.InMemoryProgressRepository;
import infrastructure.memory.InMemoryProgressTickets;
import infrastructure.memory.InMemorySessionRepository;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import support.MutableClock;

/**
 * One ticket, two instances sharing one store: the latest opening of a ticket holds its stream, and
 * the stream of an earlier opening on another instance ends at its next heartbeat, which asks the
 * store; on one instance it ends at once. Plain JUnit on the in-memory adapters.
 */
class TicketStreamsAcrossInstancesTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final ProjectId SHOP = ProjectId.of("shop");

    private final Clock clock = Clock.systemUTC();
    private final InMemoryApiKeyRepository keys = new InMemoryApiKeyRepository();
    private final InMemorySessionRepository sessions = new InMemorySessionRepository(clock);
    private final InMemoryProgressRepository progress = new InMemoryProgressRepository(clock,
            new ProgressRepository.Retention(100, Duration.ofMinutes(30)));
    /** The tickets' own clock, so that a test can let their time run out. */
    private final MutableClock ticketClock = new MutableClock();
    private final InMemoryProgressTickets tickets = new InMemoryProgressTickets(ticketClock);

    /** No notices at all: only the store tells one instance what another did. */
    private static final class Silence implements Revocations {

        @Override
        public Uni<Void> publish(Revocation notice) {
            return Uni.createFrom().voidItem();
        }

        @Override
        public void listen(Listener listener) {
        }

        @Override
        public boolean live() {
            return true;
        }
    }

    private ProgressService instance(Duration heartbeat) {
        return new ProgressService(progress, tickets,
                new ProgressPolicy(1000, 1024, 100, Duration.ofMinutes(30), Duration.ofMinutes(5)),
                new ProgressSettings(heartbeat, Duration.ofSeconds(3), 16, Duration.ofSeconds(30), Duration.ofSeconds(5)),
                clock, new SimpleMeterRegistry(), keys, sessions, new Silence());
    }

    private Principal backend() {
        ApiKey key = new ApiKey(ApiKeyName.of("backend"), ApiKeySecret.generate().digest(), ProjectAccess.only(Set.of(SHOP)),
                Set.of(Scope.PROGRESS), Instant.now());
        keys.create(key).await().atMost(WAIT);
        return key.principal();
    }

    private static AssertSubscriber<StreamItem> opened(ProgressService instance, ProgressId id, String secret) {
        ProgressService.TicketAdmission admission = instance.redeemTicket(SHOP, id, secret).await().atMost(WAIT).orElseThrow();
        AssertSubscriber<StreamItem> stream = instance.follow(admission.principal(), SHOP, id, OptionalLong.empty(), Runnable::run,
                        Optional.of(admission.opening())).await().atMost(WAIT)
                .subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        Awaitility.await().atMost(WAIT).until(() -> stream.getItems().stream().anyMatch(StreamItem.Snapshot.class::isInstance));
        return stream;
    }

    @Test
    void endsTheStreamOfAnEarlierOpeningOnAnotherInstanceAtItsNextHeartbeat() {
        ProgressService first = instance(Duration.ofMillis(100));
        ProgressService second = instance(Duration.ofMinutes(10));
        Principal backend = backend();
        ProgressId id = first.start(backend, SHOP, Optional.empty(), 10, "go").await().atMost(WAIT).id();
        String secret = first.issueTicket(backend, SHOP, id).await().atMost(WAIT).secret();
        AssertSubscriber<StreamItem> earlier = opened(first, id, secret);

        AssertSubscriber<StreamItem> later = opened(second, id, secret);

        earlier.awaitCompletion(WAIT);
        assertThat(later.isCancelled()).isFalse();
        later.assertNotTerminated().cancel();
    }

    @Test
    void endsTheStreamOfAnEarlierOpeningOnTheSameInstanceAtOnce() {
        ProgressService instance = instance(Duration.ofMinutes(10));
        Principal backend = backend();
        ProgressId id = instance.start(backend, SHOP, Optional.empty(), 10, "go").await().atMost(WAIT).id();
        String secret = instance.issueTicket(backend, SHOP, id).await().atMost(WAIT).secret();
        AssertSubscriber<StreamItem> earlier = opened(instance, id, secret);

        AssertSubscriber<StreamItem> later = opened(instance, id, secret);

        earlier.awaitCompletion(WAIT);
        later.assertNotTerminated().cancel();
    }

    @Test
    void keepsTheStreamOfATicketWhoseTimeRanOutWhileItWasOpen() {
        ProgressService instance = instance(Duration.ofMillis(100));
        Principal backend = backend();
        ProgressId id = instance.start(backend, SHOP, Optional.empty(), 10, "go").await().atMost(WAIT).id();
        String secret = instance.issueTicket(backend, SHOP, id).await().atMost(WAIT).secret();
        AssertSubscriber<StreamItem> stream = opened(instance, id, secret);

        ticketClock.advance(Duration.ofDays(1));
        assertThat(instance.redeemTicket(SHOP, id, secret).await().atMost(WAIT)).as("the ticket opens no more").isEmpty();
        int before = stream.getItems().size();

        Awaitility.await().atMost(WAIT).until(() -> stream.getItems().size() > before + 2);
        stream.assertNotTerminated().cancel();
    }
}
