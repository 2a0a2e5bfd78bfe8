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
import domain.session.SessionId;
import domain.session.UserId;
import domain.session.UserSession;
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

/**
 * The safety net under revocation notices: a notice that never arrives (its channel was lost) still
 * ends the stream, on its next heartbeat, or at once when the channel is made again and says
 * notices may have been missed. Plain JUnit on the in-memory adapters, with a notice channel that
 * delivers nothing.
 */
class StreamCredentialSafetyNetTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final ProjectId SHOP = ProjectId.of("shop");

    private final Clock clock = Clock.systemUTC();
    private final InMemoryApiKeyRepository keys = new InMemoryApiKeyRepository();
    private final InMemorySessionRepository sessions = new InMemorySessionRepository(clock);
    private final InMemoryProgressRepository progress = new InMemoryProgressRepository(clock,
            new ProgressRepository.Retention(100, Duration.ofMinutes(30)));

    /** A notice channel that has lost every notice; the test says when it is back. */
    private static final class LostNotices implements Revocations {

        Listener listener;

        @Override
        public Uni<Void> publish(Revocation notice) {
            return Uni.createFrom().voidItem();
        }

        @Override
        public void listen(Listener listener) {
            this.listener = listener;
        }

        /** Never: every notice is lost. */
        @Override
        public boolean live() {
            return false;
        }
    }

    private final LostNotices notices = new LostNotices();

    private ProgressService service(Duration heartbeat) {
        return new ProgressService(progress, new InMemoryProgressTickets(clock),
                new ProgressPolicy(1000, 1024, 100, Duration.ofMinutes(30), Duration.ofMinutes(5)),
                new ProgressSettings(heartbeat, Duration.ofSeconds(3), 16, Duration.ofSeconds(30), Duration.ofSeconds(5)),
                clock, new SimpleMeterRegistry(), keys, sessions, notices);
    }

    private ProgressId operation(ProgressService service, Principal worker) {
        return service.start(worker, SHOP, Optional.empty(), 10, "go").await().atMost(WAIT).id();
    }

    private Principal key(String name) {
        ApiKey key = new ApiKey(ApiKeyName.of(name), ApiKeySecret.generate().digest(), ProjectAccess.only(Set.of(SHOP)),
                Set.of(Scope.PROGRESS), Instant.now());
        keys.create(key).await().atMost(WAIT);
        return key.principal();
    }

    private UserSession session() {
        Instant now = clock.instant();
        UserId user = UserId.of("ada");
        UserSession session = new UserSession(SessionId.newFor(user), user, "null", Set.of(SHOP), now, now,
                Duration.ofHours(1), now.plus(Duration.ofHours(2)));
        sessions.create(session, "digest", 0).await().atMost(WAIT);
        return session;
    }

    private static AssertSubscriber<StreamItem> following(ProgressService service, Principal principal, ProgressId id) {
        AssertSubscriber<StreamItem> stream = service.follow(principal, SHOP, id, OptionalLong.empty()).await().atMost(WAIT)
                .subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        Awaitility.await().atMost(WAIT).until(() -> stream.getItems().size() >= 2);
        assertThat(stream.getItems().get(1)).isInstanceOf(StreamItem.Snapshot.class);
        return stream;
    }

    @Test
    void endsAStreamOnItsNextHeartbeatWhenItsKeyIsGoneThoughNoNoticeCame() {
        ProgressService service = service(Duration.ofMillis(100));
        Principal worker = key("worker");
        Principal reader = key("reader");
        ProgressId id = operation(service, worker);
        AssertSubscriber<StreamItem> ofReader = following(service, reader, id);
        AssertSubscriber<StreamItem> ofWorker = following(service, worker, id);

        keys.delete(ApiKeyName.of("reader")).await().atMost(WAIT);

        ofReader.awaitCompletion(WAIT);
        assertThat(ofReader.getItems()).noneMatch(item -> item instanceof StreamItem.Event);
        int heartbeats = ofWorker.getItems().size();
        Awaitility.await().atMost(WAIT).until(() -> ofWorker.getItems().size() > heartbeats + 2);
        assertThat(ofWorker.isCancelled()).isFalse();
        ofWorker.assertNotTerminated().cancel();
    }

    @Test
    void endsTheStreamsOfSessionsGoneMeanwhileAsSoonAsNoticesMayHaveBeenMissed() {
        ProgressService service = service(Duration.ofMinutes(10));
        Principal worker = key("worker");
        ProgressId id = operation(service, worker);
        UserSession gone = session();
        UserSession live = session();
        AssertSubscriber<StreamItem> ofGone = following(service, gone.browserPrincipal().orElseThrow(), id);
        AssertSubscriber<StreamItem> ofLive = following(service, live.browserPrincipal().orElseThrow(), id);
        sessions.revoke(gone.id()).await().atMost(WAIT);

        notices.listener.mayHaveMissed();

        ofGone.awaitCompletion(Duration.ofSeconds(1));
        Awaitility.await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> !ofLive.hasCompleted());
        ofLive.cancel();
    }
}
