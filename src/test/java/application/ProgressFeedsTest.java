package application;

import static org.assertj.core.api.Assertions.assertThat;

import domain.progress.EventsPage;
import domain.progress.Progress;
import domain.progress.ProgressChange;
import domain.progress.ProgressEvent;
import domain.progress.ProgressId;
import domain.progress.ProgressPage;
import domain.progress.ProgressRepository;
import domain.progress.ProgressStatus;
import domain.progress.RecordOutcome;
import domain.progress.StreamItem;
import domain.project.ProjectId;
import infrastructure.memory.InMemoryProgressRepository;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import support.MutableClock;

/**
 * The feeds that followers of one operation share on an instance: one subscription and one state
 * for all of them, the store read once for everyone who joins together, each event handed to every
 * follower as the same item. Plain JUnit on the in-memory store, counting its reads.
 */
class ProgressFeedsTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Duration TRUST = Duration.ofSeconds(15);
    private static final Duration TTL = Duration.ofMinutes(30);
    private static final ProjectId SHOP = ProjectId.of("shop");

    private final MutableClock clock = new MutableClock();
    private final InMemoryProgressRepository memory = new InMemoryProgressRepository(clock,
            new ProgressRepository.Retention(100, TTL));
    private final AtomicInteger historyReads = new AtomicInteger();
    /** The in-memory store, counting the reads of an operation's history. */
    private final ProgressRepository store = new ProgressRepository() {
        @Override
        public Uni<Boolean> start(Progress progress, Duration keptAtLeast) {
            return memory.start(progress, keptAtLeast);
        }

        @Override
        public Uni<java.util.List<ProjectId>> projects() {
            return memory.projects();
        }

        @Override
        public Uni<Boolean> restore(Progress progress, java.util.List<ProgressEvent> events, Duration kept) {
            return memory.restore(progress, events, kept);
        }

        @Override
        public Uni<RecordOutcome> record(ProjectId project, ProgressId id, ProgressChange change) {
            return memory.record(project, id, change);
        }

        @Override
        public Uni<Optional<Progress>> find(ProjectId project, ProgressId id) {
            return memory.find(project, id);
        }

        @Override
        public Uni<ProgressPage> list(ProjectId project, Optional<ProgressId> after, int limit) {
            return memory.list(project, after, limit);
        }

        @Override
        public Uni<EventsPage> eventsAfter(ProjectId project, ProgressId id, long after) {
            historyReads.incrementAndGet();
            return memory.eventsAfter(project, id, after);
        }

        @Override
        public Uni<Multi<ProgressEvent>> follow(ProjectId project, ProgressId id) {
            return memory.follow(project, id);
        }
    };
    private final AtomicInteger reads = new AtomicInteger();
    private final ProgressFeeds feeds = new ProgressFeeds(store, (project, id) -> {
        reads.incrementAndGet();
        return memory.find(project, id);
    }, clock, TRUST, TTL, RequestContexts.NONE);

    private ProgressId started() {
        ProgressId id = ProgressId.generate();
        Instant now = clock.instant();
        memory.start(new Progress(SHOP, id, 10, 0, ProgressStatus.RUNNING, "go", now, now, 1)).await().atMost(WAIT);
        return id;
    }

    private void step(ProgressId id, String message) {
        memory.record(SHOP, id, new ProgressChange.Step(1, message)).await().atMost(WAIT);
    }

    private ProgressFeeds.Member join(ProgressId id) {
        return feeds.join(SHOP, id, Runnable::run).await().atMost(WAIT);
    }

    private static Progress stateOf(ProgressFeeds.Member member) {
        return member.state().await().atMost(WAIT).orElseThrow();
    }

    @Test
    void readsTheOperationOnceForTwoHundredFollowersJoiningItsFeed() {
        ProgressId id = started();
        List<ProgressFeeds.Member> members = new ArrayList<>();
        List<Uni<Optional<Progress>>> states = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            ProgressFeeds.Member member = join(id);
            members.add(member);
            states.add(member.state());
        }

        List<Optional<Progress>> found = Uni.join().all(states).andFailFast().await().atMost(WAIT);

        assertThat(found).allSatisfy(state -> assertThat(state).map(Progress::lastSequence).contains(1L));
        assertThat(reads.get()).isEqualTo(1);
        members.forEach(ProgressFeeds.Member::leave);
    }

    @Test
    void givesAFollowerWhoJoinsAfterEventsTheStateTheyLedToWithoutReadingTheStore() {
        ProgressId id = started();
        ProgressFeeds.Member first = join(id);
        stateOf(first);
        step(id, "one");
        step(id, "two");
        int readsBefore = reads.get();

        Progress state = stateOf(join(id));

        assertThat(state).isEqualTo(memory.find(SHOP, id).await().atMost(WAIT).orElseThrow());
        assertThat(state.lastSequence()).isEqualTo(3);
        assertThat(state.message()).isEqualTo("two");
        assertThat(reads.get()).isEqualTo(readsBefore);
    }

    @Test
    void readsTheStoreAgainOnceTheFeedsStateWasNotConfirmedForItsTrustPeriod() {
        ProgressId id = started();
        stateOf(join(id));
        clock.advance(TRUST.plusSeconds(1));

        stateOf(join(id));

        assertThat(reads.get()).isEqualTo(2);
    }

    @Test
    void handsEachEventToEveryFollowerAsTheSameItem() {
        ProgressId id = started();
        ProgressFeeds.Member a = join(id);
        ProgressFeeds.Member b = join(id);
        stateOf(a);
        AssertSubscriber<StreamItem.Event> ofA = a.live().subscribe().withSubscriber(AssertSubscriber.create(10));
        AssertSubscriber<StreamItem.Event> ofB = b.live().subscribe().withSubscriber(AssertSubscriber.create(10));

        step(id, "one");

        ofA.awaitItems(1, WAIT);
        ofB.awaitItems(1, WAIT);
        assertThat(ofA.getItems().get(0)).isSameAs(ofB.getItems().get(0));
        assertThat(ofA.getItems().get(0).event().sequence()).isEqualTo(2);
        assertThat(ofA.getItems().get(0).totalSteps()).isEqualTo(10);
    }

    @Test
    void closesTheFeedWhenItsLastFollowerLeavesAndOpensAFreshOneForTheNext() {
        ProgressId id = started();
        ProgressFeeds.Member a = join(id);
        ProgressFeeds.Member b = join(id);
        assertThat(feeds.size()).isEqualTo(1);

        a.leave();
        assertThat(feeds.size()).isEqualTo(1);
        b.live().subscribe().withSubscriber(AssertSubscriber.create(1)).cancel();
        assertThat(feeds.size()).isZero();

        ProgressFeeds.Member c = join(id);
        AssertSubscriber<StreamItem.Event> ofC = c.live().subscribe().withSubscriber(AssertSubscriber.create(10));
        step(id, "after");
        ofC.awaitItems(1, WAIT);
        assertThat(ofC.getItems().get(0).event().message()).isEqualTo("after");
    }

    @Test
    void answersACatchUpAtTheFeedsTrustedStateWithoutReadingTheHistory() {
        ProgressId id = started();
        ProgressFeeds.Member member = join(id);
        stateOf(member);
        step(id, "one");

        EventsPage page = member.eventsAfter(2).await().atMost(WAIT);

        assertThat(page.events()).isEmpty();
        assertThat(historyReads.get()).isZero();
    }

    @Test
    void readsTheHistoryOnceForEveryMemberCatchingUpFromTheSameEventMeanwhile() {
        ProgressId id = started();
        ProgressFeeds.Member member = join(id);
        stateOf(member);
        step(id, "one");
        clock.advance(TRUST.plusSeconds(1));
        // Asked together: the first read is still running when the others ask.
        List<Uni<EventsPage>> asked = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            asked.add(member.eventsAfter(1));
        }

        List<EventsPage> pages = Uni.join().all(asked).andFailFast().await().atMost(WAIT);

        assertThat(pages).allSatisfy(page -> assertThat(page.events()).extracting(ProgressEvent::sequence).containsExactly(2L));
        assertThat(historyReads.get()).isEqualTo(1);
    }

    @Test
    void findsNoStateForAnOperationThatDoesNotExist() {
        ProgressFeeds.Member member = join(ProgressId.generate());

        assertThat(member.state().await().atMost(WAIT)).isEmpty();
        member.leave();
        assertThat(feeds.size()).isZero();
    }
}
