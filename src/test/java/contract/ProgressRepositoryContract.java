package contract;

import static org.assertj.core.api.Assertions.assertThat;

import domain.progress.EventsPage;
import domain.progress.Progress;
import domain.progress.ProgressChange;
import domain.progress.ProgressEvent;
import domain.progress.ProgressEventType;
import domain.progress.ProgressId;
import domain.progress.ProgressPage;
import domain.progress.ProgressPolicy;
import domain.progress.ProgressRepository;
import domain.progress.ProgressStatus;
import domain.progress.RecordOutcome;
import domain.project.ProjectId;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import support.MutableClock;

/**
 * The semantics every progress adapter must have, run against each of them: what an operation's
 * state becomes, which events its bounded history keeps, and who hears of new ones.
 */
public abstract class ProgressRepositoryContract {

    protected static final ProjectId SHOP = ProjectId.of("shop");
    protected static final ProjectId BLOG = ProjectId.of("blog");
    protected static final ProgressId IMPORT = ProgressId.of("import-2024.csv");
    protected static final ProgressId EXPORT = ProgressId.of("export_7");
    protected static final ProgressPolicy POLICY =
            new ProgressPolicy(1_000_000, 1_000, 100, Duration.ofMinutes(10), Duration.ofMinutes(1));
    protected static final ProgressRepository.Retention RETENTION =
            new ProgressRepository.Retention(POLICY.maxRetainedEvents(), POLICY.ttl());
    protected static final Duration WAIT = Duration.ofSeconds(30);
    /** How long a follower waits for events it must receive: a missed one fails the test within this. */
    protected static final Duration DELIVERY = Duration.ofSeconds(10);

    protected final MutableClock clock = new MutableClock();
    protected ProgressRepository progress;

    /** A fresh, empty repository on {@code clock}, isolated from every other test. */
    protected abstract ProgressRepository newRepository(MutableClock clock, ProgressRepository.Retention retention);

    /**
     * Lets {@code duration} pass for the store. The in-memory store reads the test clock; Redis
     * expires keys in real time, so its subclass lets the caller's bounded wait do the passing.
     */
    protected abstract void letTimePass(Duration duration);

    @BeforeEach
    void createRepository() {
        progress = newRepository(clock, RETENTION);
    }

    // --- fixtures that read like sentences

    /** An operation of {@code total} steps starting now, not yet stored. */
    protected Progress operationOf(ProjectId project, ProgressId id, long total) {
        return POLICY.start(project, id, total, "reading " + id.value(), clock.instant());
    }

    /** Stores a new operation of {@code total} steps started now. */
    protected Progress started(ProjectId project, ProgressId id, long total) {
        Progress operation = operationOf(project, id, total);
        assertThat(await(progress.start(operation))).as("started " + id).isTrue();
        return operation;
    }

    protected RecordOutcome record(ProjectId project, ProgressId id, ProgressChange change) {
        return await(progress.record(project, id, change));
    }

    /** Records a change that must be accepted, and answers what was recorded. */
    protected RecordOutcome.Recorded recorded(ProjectId project, ProgressId id, ProgressChange change) {
        RecordOutcome outcome = record(project, id, change);
        assertThat(outcome).as("outcome of " + change).isInstanceOf(RecordOutcome.Recorded.class);
        return (RecordOutcome.Recorded) outcome;
    }

    protected static ProgressChange.Step steps(long increment) {
        return new ProgressChange.Step(increment, "did " + increment);
    }

    protected static ProgressChange.Step step(String message) {
        return new ProgressChange.Step(1, message);
    }

    /** Records {@code count} single steps, "step 1", "step 2", and so on. */
    protected void recordSteps(ProjectId project, ProgressId id, int count) {
        for (int i = 1; i <= count; i++) {
            recorded(project, id, step("step " + i));
        }
    }

    protected Progress current(ProjectId project, ProgressId id) {
        return find(project, id).orElseThrow(() -> new AssertionError("no operation " + id + " in " + project));
    }

    protected Optional<Progress> find(ProjectId project, ProgressId id) {
        return await(progress.find(project, id));
    }

    protected EventsPage eventsAfter(ProjectId project, ProgressId id, long after) {
        return await(progress.eventsAfter(project, id, after));
    }

    /** A follower of the operation, ready: what is recorded from now on reaches it. */
    protected AssertSubscriber<ProgressEvent> follower(ProgressRepository repository, ProjectId project, ProgressId id) {
        AssertSubscriber<ProgressEvent> follower = await(repository.follow(project, id))
                .subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        follower.awaitSubscription(WAIT);
        return follower;
    }

    protected AssertSubscriber<ProgressEvent> follower(ProjectId project, ProgressId id) {
        return follower(progress, project, id);
    }

    protected static List<Long> sequences(List<ProgressEvent> events) {
        return events.stream().map(ProgressEvent::sequence).toList();
    }

    protected static List<Long> sequencesFrom(long first, long last) {
        return LongStream.rangeClosed(first, last).boxed().toList();
    }

    /** The first few sequences that arrived after a greater one, as "7 after 9". */
    protected static List<String> outOfOrder(List<Long> sequences) {
        List<String> late = new ArrayList<>();
        long highest = Long.MIN_VALUE;
        for (long sequence : sequences) {
            if (sequence < highest && late.size() < 10) {
                late.add(sequence + " after " + highest);
            }
            highest = Math.max(highest, sequence);
        }
        return late;
    }

    protected static <T> T await(Uni<T> uni) {
        return uni.await().atMost(WAIT);
    }

    // --- starting

    @Test
    void storesANewOperationRunningAtStepZero() {
        Progress operation = started(SHOP, IMPORT, 40);

        Progress stored = current(SHOP, IMPORT);

        assertThat(stored).isEqualTo(operation);
        assertThat(stored.status()).isEqualTo(ProgressStatus.RUNNING);
        assertThat(stored.currentStep()).isZero();
        assertThat(stored.totalSteps()).isEqualTo(40);
        assertThat(stored.message()).isEqualTo("reading import-2024.csv");
        assertThat(stored.startedAt()).isEqualTo(clock.instant());
        assertThat(stored.updatedAt()).isEqualTo(clock.instant());
        assertThat(stored.lastSequence()).isEqualTo(1);
        assertThat(stored.percentage()).isZero();
    }

    @Test
    void recordsTheStartAsTheOnlyEventWithSequenceOne() {
        started(SHOP, IMPORT, 40);

        EventsPage page = eventsAfter(SHOP, IMPORT, 0);

        assertThat(page.events()).containsExactly(
                new ProgressEvent(1, ProgressEventType.STARTED, 0, "reading import-2024.csv", clock.instant()));
        assertThat(page.gap()).isFalse();
    }

    @Test
    void refusesToStartAnIdTakenInTheProjectAndChangesNothing() {
        Progress first = started(SHOP, IMPORT, 40);
        recorded(SHOP, IMPORT, steps(3));
        Progress before = current(SHOP, IMPORT);
        clock.advance(Duration.ofSeconds(5));

        boolean again = await(progress.start(POLICY.start(SHOP, IMPORT, 999, "other", clock.instant())));

        assertThat(again).isFalse();
        assertThat(current(SHOP, IMPORT)).isEqualTo(before);
        assertThat(before.totalSteps()).isEqualTo(first.totalSteps());
        assertThat(sequences(eventsAfter(SHOP, IMPORT, 0).events())).containsExactly(1L, 2L);
    }

    @Test
    void startsTheSameIdInAnotherProjectAsAnotherOperation() {
        started(SHOP, IMPORT, 40);
        recorded(SHOP, IMPORT, steps(10));

        Progress blog = started(BLOG, IMPORT, 7);

        assertThat(current(BLOG, IMPORT)).isEqualTo(blog);
        assertThat(current(SHOP, IMPORT).currentStep()).isEqualTo(10);
        assertThat(sequences(eventsAfter(BLOG, IMPORT, 0).events())).containsExactly(1L);
        assertThat(find(BLOG, EXPORT)).isEmpty();
    }

    @Test
    void answersEmptyForAnOperationNeverStarted() {
        started(SHOP, IMPORT, 40);

        assertThat(find(SHOP, EXPORT)).isEmpty();
        assertThat(eventsAfter(SHOP, EXPORT, 0)).isEqualTo(new EventsPage(List.of(), false));
    }

    // --- recording steps

    @Test
    void advancesTheStepByTheIncrementAndRecordsAProgressEvent() {
        started(SHOP, IMPORT, 8);
        clock.advance(Duration.ofMillis(1_250));

        RecordOutcome.Recorded outcome = recorded(SHOP, IMPORT, new ProgressChange.Step(3, "3 of 8 rows"));

        ProgressEvent expected = new ProgressEvent(2, ProgressEventType.PROGRESS, 3, "3 of 8 rows", clock.instant());
        assertThat(outcome.event()).isEqualTo(expected);
        assertThat(outcome.progress()).isEqualTo(current(SHOP, IMPORT));
        Progress now = current(SHOP, IMPORT);
        assertThat(now.currentStep()).isEqualTo(3);
        assertThat(now.status()).isEqualTo(ProgressStatus.RUNNING);
        assertThat(now.message()).isEqualTo("3 of 8 rows");
        assertThat(now.updatedAt()).isEqualTo(clock.instant());
        assertThat(now.startedAt()).isEqualTo(clock.instant().minusMillis(1_250));
        assertThat(now.lastSequence()).isEqualTo(2);
        assertThat(now.percentage()).isEqualTo(37.5);
        assertThat(eventsAfter(SHOP, IMPORT, 1).events()).containsExactly(expected);
    }

    @Test
    void givesEachEventTheNextSequenceAndTheStepAfterTheChange() {
        started(SHOP, IMPORT, 100);

        recorded(SHOP, IMPORT, steps(5));
        recorded(SHOP, IMPORT, steps(20));
        recorded(SHOP, IMPORT, steps(1));

        List<ProgressEvent> events = eventsAfter(SHOP, IMPORT, 0).events();
        assertThat(sequences(events)).containsExactly(1L, 2L, 3L, 4L);
        assertThat(events).extracting(ProgressEvent::step).containsExactly(0L, 5L, 25L, 26L);
        assertThat(events).extracting(ProgressEvent::type).containsExactly(ProgressEventType.STARTED,
                ProgressEventType.PROGRESS, ProgressEventType.PROGRESS, ProgressEventType.PROGRESS);
        assertThat(events).extracting(ProgressEvent::message).containsExactly("reading import-2024.csv", "did 5", "did 20", "did 1");
        assertThat(current(SHOP, IMPORT).percentage()).isEqualTo(26.0);
    }

    @Test
    void capsTheStepAtTheTotalButKeepsRecordingEventsBeyondIt() {
        started(SHOP, IMPORT, 10);
        recorded(SHOP, IMPORT, steps(8));

        RecordOutcome.Recorded over = recorded(SHOP, IMPORT, steps(5));
        RecordOutcome.Recorded further = recorded(SHOP, IMPORT, step("still going"));

        assertThat(over.event().step()).isEqualTo(10);
        assertThat(further.event()).extracting(ProgressEvent::sequence, ProgressEvent::step, ProgressEvent::message)
                .containsExactly(4L, 10L, "still going");
        Progress now = current(SHOP, IMPORT);
        assertThat(now.currentStep()).isEqualTo(10);
        assertThat(now.percentage()).isEqualTo(100.0);
        assertThat(now.status()).isEqualTo(ProgressStatus.RUNNING);
        assertThat(now.lastSequence()).isEqualTo(4);
    }

    @Test
    void keepsMessagesWithTabsNewlinesAndNonAsciiTextIntact() {
        started(SHOP, IMPORT, 10);
        String message = "row\t42\nfailed: «naïve» 日本語 🎉";

        recorded(SHOP, IMPORT, new ProgressChange.Step(1, message));

        assertThat(current(SHOP, IMPORT).message()).isEqualTo(message);
        assertThat(eventsAfter(SHOP, IMPORT, 1).events()).extracting(ProgressEvent::message).containsExactly(message);
    }

    @Test
    void storesAnEmptyMessageAsEmpty() {
        started(SHOP, IMPORT, 10);

        recorded(SHOP, IMPORT, new ProgressChange.Step(1, POLICY.message(null)));

        assertThat(current(SHOP, IMPORT).message()).isEmpty();
        assertThat(eventsAfter(SHOP, IMPORT, 1).events()).extracting(ProgressEvent::message).containsExactly("");
    }

    @Test
    void answersUnknownForAChangeToAnOperationNeverStarted() {
        started(SHOP, IMPORT, 10);

        assertThat(record(SHOP, EXPORT, steps(1))).isEqualTo(new RecordOutcome.Unknown());
        assertThat(record(BLOG, IMPORT, new ProgressChange.Complete("done"))).isEqualTo(new RecordOutcome.Unknown());
        assertThat(find(SHOP, EXPORT)).isEmpty();
        assertThat(find(BLOG, IMPORT)).isEmpty();
        assertThat(current(SHOP, IMPORT).lastSequence()).isEqualTo(1);
    }

    // --- ending

    @Test
    void completesAtTheTotalWithACompletedEvent() {
        started(SHOP, IMPORT, 10);
        recorded(SHOP, IMPORT, steps(4));
        clock.advance(Duration.ofSeconds(2));

        RecordOutcome.Recorded done = recorded(SHOP, IMPORT, new ProgressChange.Complete("all rows imported"));

        assertThat(done.event()).isEqualTo(
                new ProgressEvent(3, ProgressEventType.COMPLETED, 10, "all rows imported", clock.instant()));
        Progress now = current(SHOP, IMPORT);
        assertThat(now.status()).isEqualTo(ProgressStatus.COMPLETED);
        assertThat(now.currentStep()).isEqualTo(10);
        assertThat(now.percentage()).isEqualTo(100.0);
        assertThat(now.message()).isEqualTo("all rows imported");
        assertThat(done.progress()).isEqualTo(now);
    }

    @Test
    void failsKeepingTheStepReached() {
        started(SHOP, IMPORT, 10);
        recorded(SHOP, IMPORT, steps(4));

        RecordOutcome.Recorded failed = recorded(SHOP, IMPORT, new ProgressChange.Fail("disk full"));

        assertThat(failed.event()).isEqualTo(new ProgressEvent(3, ProgressEventType.FAILED, 4, "disk full", clock.instant()));
        Progress now = current(SHOP, IMPORT);
        assertThat(now.status()).isEqualTo(ProgressStatus.FAILED);
        assertThat(now.currentStep()).isEqualTo(4);
        assertThat(now.message()).isEqualTo("disk full");
    }

    @Test
    void refusesEveryChangeAfterCompletionAndRecordsNoEvent() {
        started(SHOP, IMPORT, 10);
        recorded(SHOP, IMPORT, new ProgressChange.Complete("done"));
        Progress ended = current(SHOP, IMPORT);
        clock.advance(Duration.ofMinutes(5));

        assertThatEveryChangeIsRefused(ended);
    }

    @Test
    void refusesEveryChangeAfterFailureAndRecordsNoEvent() {
        started(SHOP, IMPORT, 10);
        recorded(SHOP, IMPORT, steps(2));
        recorded(SHOP, IMPORT, new ProgressChange.Fail("boom"));
        Progress ended = current(SHOP, IMPORT);
        clock.advance(Duration.ofMinutes(5));

        assertThatEveryChangeIsRefused(ended);
    }

    @Test
    void refusesEveryChangeAfterAStallAndRecordsNoEvent() {
        started(SHOP, IMPORT, 10);
        clock.advance(Duration.ofMinutes(2));
        recorded(SHOP, IMPORT, new ProgressChange.Stall("no news", clock.instant().minus(Duration.ofMinutes(1))));
        Progress ended = current(SHOP, IMPORT);
        clock.advance(Duration.ofMinutes(5));

        assertThatEveryChangeIsRefused(ended);
    }

    private void assertThatEveryChangeIsRefused(Progress ended) {
        List<ProgressChange> changes = List.of(steps(1), new ProgressChange.Complete("again"), new ProgressChange.Fail("late"),
                new ProgressChange.Stall("late", clock.instant()));

        for (ProgressChange change : changes) {
            assertThat(record(SHOP, IMPORT, change)).as(change.toString()).isEqualTo(new RecordOutcome.AlreadyEnded(ended));
        }

        assertThat(current(SHOP, IMPORT)).isEqualTo(ended);
        assertThat(eventsAfter(SHOP, IMPORT, ended.lastSequence()).events()).isEmpty();
        assertThat(sequences(eventsAfter(SHOP, IMPORT, 0).events())).last().isEqualTo(ended.lastSequence());
    }

    // --- stalls

    @Test
    void recordsAStallWhenTheLastUpdateIsBeforeTheSilentMoment() {
        started(SHOP, IMPORT, 10);
        recorded(SHOP, IMPORT, steps(3));
        Instant lastUpdate = clock.instant();
        clock.advance(Duration.ofMinutes(2));

        RecordOutcome.Recorded stalled = recorded(SHOP, IMPORT,
                new ProgressChange.Stall("no update for 1 minute", lastUpdate.plusSeconds(60)));

        assertThat(stalled.event()).isEqualTo(
                new ProgressEvent(3, ProgressEventType.STALLED, 3, "no update for 1 minute", clock.instant()));
        assertThat(stalled.event().type().isTerminal()).isTrue();
        Progress now = current(SHOP, IMPORT);
        assertThat(now.status()).isEqualTo(ProgressStatus.STALLED);
        assertThat(now.currentStep()).isEqualTo(3);
        assertThat(now.lastSequence()).isEqualTo(3);
        assertThat(eventsAfter(SHOP, IMPORT, 2).events()).containsExactly(stalled.event());
    }

    @Test
    void recordsAStallWhenTheLastUpdateIsExactlyTheSilentMoment() {
        started(SHOP, IMPORT, 10);
        Instant lastUpdate = clock.instant();
        clock.advance(Duration.ofMinutes(1));

        RecordOutcome outcome = record(SHOP, IMPORT, new ProgressChange.Stall("silent", lastUpdate));

        assertThat(outcome).isInstanceOf(RecordOutcome.Recorded.class);
        assertThat(current(SHOP, IMPORT).status()).isEqualTo(ProgressStatus.STALLED);
    }

    @Test
    void answersStillActiveAndRecordsNothingWhenUpdatedAfterTheSilentMoment() {
        started(SHOP, IMPORT, 10);
        Instant silentSince = clock.instant().plusSeconds(5);
        clock.advance(Duration.ofSeconds(10));
        recorded(SHOP, IMPORT, steps(2));
        Progress updated = current(SHOP, IMPORT);
        clock.advance(Duration.ofMinutes(1));
        AssertSubscriber<ProgressEvent> follower = follower(SHOP, IMPORT);

        RecordOutcome outcome = record(SHOP, IMPORT, new ProgressChange.Stall("no update", silentSince));

        assertThat(outcome).isEqualTo(new RecordOutcome.StillActive(updated));
        assertThat(current(SHOP, IMPORT)).isEqualTo(updated);
        assertThat(eventsAfter(SHOP, IMPORT, updated.lastSequence()).events()).isEmpty();
        recorded(SHOP, IMPORT, step("the next step is still accepted"));
        assertThat(follower.awaitItems(1, DELIVERY).getItems()).extracting(ProgressEvent::sequence).containsExactly(3L);
        follower.cancel();
    }

    // --- the history

    @Test
    void answersExactlyTheEventsAfterASequenceInOrder() {
        started(SHOP, IMPORT, 100);
        recordSteps(SHOP, IMPORT, 9);

        assertThat(sequences(eventsAfter(SHOP, IMPORT, 0).events())).isEqualTo(sequencesFrom(1, 10));
        assertThat(sequences(eventsAfter(SHOP, IMPORT, 1).events())).isEqualTo(sequencesFrom(2, 10));
        assertThat(sequences(eventsAfter(SHOP, IMPORT, 6).events())).isEqualTo(sequencesFrom(7, 10));
        assertThat(sequences(eventsAfter(SHOP, IMPORT, 9).events())).containsExactly(10L);
        assertThat(eventsAfter(SHOP, IMPORT, 10)).isEqualTo(new EventsPage(List.of(), false));
        assertThat(eventsAfter(SHOP, IMPORT, 500)).isEqualTo(new EventsPage(List.of(), false));
        assertThat(eventsAfter(SHOP, IMPORT, 6).events()).extracting(ProgressEvent::message)
                .containsExactly("step 6", "step 7", "step 8", "step 9");
        assertThat(eventsAfter(SHOP, IMPORT, 3).gap()).isFalse();
    }

    @Test
    void keepsOnlyTheNewestEventsAndReportsTheGapToWhoMissedSome() {
        progress = newRepository(clock, new ProgressRepository.Retention(5, RETENTION.ttl()));
        started(SHOP, IMPORT, 100);
        recordSteps(SHOP, IMPORT, 20);
        long last = current(SHOP, IMPORT).lastSequence();

        EventsPage fromStart = eventsAfter(SHOP, IMPORT, 0);
        EventsPage lastTwo = eventsAfter(SHOP, IMPORT, last - 2);
        EventsPage none = eventsAfter(SHOP, IMPORT, last);

        assertThat(last).isEqualTo(21);
        assertThat(sequences(fromStart.events())).isEqualTo(sequencesFrom(17, 21));
        assertThat(fromStart.gap()).isTrue();
        assertThat(sequences(lastTwo.events())).containsExactly(20L, 21L);
        assertThat(lastTwo.gap()).isFalse();
        assertThat(none.events()).isEmpty();
        assertThat(none.gap()).isFalse();
    }

    @Test
    void reportsNoGapToWhoSawTheEventJustBeforeTheOldestRetained() {
        progress = newRepository(clock, new ProgressRepository.Retention(5, RETENTION.ttl()));
        started(SHOP, IMPORT, 100);
        recordSteps(SHOP, IMPORT, 20);

        EventsPage fromOldest = eventsAfter(SHOP, IMPORT, 16);
        EventsPage missedOne = eventsAfter(SHOP, IMPORT, 15);

        assertThat(sequences(fromOldest.events())).isEqualTo(sequencesFrom(17, 21));
        assertThat(fromOldest.gap()).isFalse();
        assertThat(sequences(missedOne.events())).isEqualTo(sequencesFrom(17, 21));
        assertThat(missedOne.gap()).isTrue();
    }

    @Test
    void keepsTheTerminalEventWhenTheHistoryIsTrimmed() {
        progress = newRepository(clock, new ProgressRepository.Retention(3, RETENTION.ttl()));
        started(SHOP, IMPORT, 10);
        recordSteps(SHOP, IMPORT, 6);

        recorded(SHOP, IMPORT, new ProgressChange.Complete("done"));

        List<ProgressEvent> events = eventsAfter(SHOP, IMPORT, 0).events();
        assertThat(sequences(events)).containsExactly(6L, 7L, 8L);
        assertThat(events.get(2).type()).isEqualTo(ProgressEventType.COMPLETED);
    }

    @Test
    void keepsTheHistoriesOfTwoOperationsApart() {
        started(SHOP, IMPORT, 10);
        started(SHOP, EXPORT, 10);
        started(BLOG, IMPORT, 10);

        recordSteps(SHOP, IMPORT, 3);
        recorded(SHOP, EXPORT, new ProgressChange.Fail("no such table"));

        assertThat(sequences(eventsAfter(SHOP, IMPORT, 0).events())).containsExactly(1L, 2L, 3L, 4L);
        assertThat(eventsAfter(SHOP, EXPORT, 0).events()).extracting(ProgressEvent::type)
                .containsExactly(ProgressEventType.STARTED, ProgressEventType.FAILED);
        assertThat(sequences(eventsAfter(BLOG, IMPORT, 0).events())).containsExactly(1L);
    }

    // --- following

    @Test
    void deliversEveryEventRecordedAfterSubscribingInOrder() {
        started(SHOP, IMPORT, 10);
        recorded(SHOP, IMPORT, step("before anyone follows"));
        AssertSubscriber<ProgressEvent> follower = follower(SHOP, IMPORT);

        recordSteps(SHOP, IMPORT, 5);
        recorded(SHOP, IMPORT, new ProgressChange.Complete("done"));

        List<ProgressEvent> received = follower.awaitItems(6, DELIVERY).getItems();
        assertThat(received).isEqualTo(eventsAfter(SHOP, IMPORT, 2).events());
        assertThat(sequences(received)).isEqualTo(sequencesFrom(3, 8));
        assertThat(received.get(5)).isEqualTo(new ProgressEvent(8, ProgressEventType.COMPLETED, 10, "done", clock.instant()));
        follower.cancel();
    }

    @Test
    void deliversEveryEventToEachOfTwoFollowers() {
        started(SHOP, IMPORT, 10);
        AssertSubscriber<ProgressEvent> first = follower(SHOP, IMPORT);
        AssertSubscriber<ProgressEvent> second = follower(SHOP, IMPORT);

        recordSteps(SHOP, IMPORT, 4);

        assertThat(sequences(first.awaitItems(4, DELIVERY).getItems())).isEqualTo(sequencesFrom(2, 5));
        assertThat(sequences(second.awaitItems(4, DELIVERY).getItems())).isEqualTo(sequencesFrom(2, 5));
        first.cancel();
        second.cancel();
    }

    @Test
    void deliversNothingOfOneOperationToTheFollowerOfAnother() {
        started(SHOP, IMPORT, 10);
        started(SHOP, EXPORT, 10);
        started(BLOG, IMPORT, 10);
        AssertSubscriber<ProgressEvent> ofExport = follower(SHOP, EXPORT);
        AssertSubscriber<ProgressEvent> ofBlogImport = follower(BLOG, IMPORT);
        AssertSubscriber<ProgressEvent> ofShopImport = follower(SHOP, IMPORT);

        recordSteps(SHOP, IMPORT, 3);
        recorded(SHOP, EXPORT, step("export only"));

        // Events arrive in the order recorded: once the last has reached its follower, a misdelivered earlier one would have too.
        assertThat(ofShopImport.awaitItems(3, DELIVERY).getItems()).extracting(ProgressEvent::message)
                .containsExactly("step 1", "step 2", "step 3");
        assertThat(ofExport.awaitItems(1, DELIVERY).getItems()).extracting(ProgressEvent::message).containsExactly("export only");
        assertThat(ofBlogImport.getItems()).isEmpty();
        recorded(BLOG, IMPORT, step("blog only"));
        assertThat(ofBlogImport.awaitItems(1, DELIVERY).getItems()).extracting(ProgressEvent::message).containsExactly("blog only");
        assertThat(ofExport.getItems()).hasSize(1);
        assertThat(ofShopImport.getItems()).hasSize(3);
        List.of(ofExport, ofBlogImport, ofShopImport).forEach(AssertSubscriber::cancel);
    }

    @Test
    void stopsDeliveringToAFollowerThatCancelled() {
        started(SHOP, IMPORT, 10);
        AssertSubscriber<ProgressEvent> leaving = follower(SHOP, IMPORT);
        AssertSubscriber<ProgressEvent> staying = follower(SHOP, IMPORT);
        recorded(SHOP, IMPORT, step("both hear this"));
        leaving.awaitItems(1, DELIVERY);

        leaving.cancel();
        recordSteps(SHOP, IMPORT, 3);

        // The staying follower heard the later events, so they were delivered to whoever still listened.
        assertThat(sequences(staying.awaitItems(4, DELIVERY).getItems())).isEqualTo(sequencesFrom(2, 5));
        assertThat(sequences(leaving.getItems())).containsExactly(2L);
        leaving.assertNotTerminated();
        staying.cancel();
    }

    @Test
    void deliversNothingThatWasRecordedBeforeSubscribing() {
        started(SHOP, IMPORT, 10);
        recordSteps(SHOP, IMPORT, 3);

        AssertSubscriber<ProgressEvent> late = follower(SHOP, IMPORT);
        recorded(SHOP, IMPORT, step("the first one it hears"));

        assertThat(late.awaitItems(1, DELIVERY).getItems()).extracting(ProgressEvent::sequence).containsExactly(5L);
        late.cancel();
    }

    @Test
    void deliversConcurrentlyRecordedEventsInSequenceOrder() throws Exception {
        started(SHOP, IMPORT, 1_000_000);
        AssertSubscriber<ProgressEvent> follower = follower(SHOP, IMPORT);
        int threads = 8;
        int perThread = 250;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            done.add(pool.submit(() -> {
                go.await();
                for (int i = 0; i < perThread; i++) {
                    recorded(SHOP, IMPORT, new ProgressChange.Step(1, "x"));
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : done) {
            f.get(30, TimeUnit.SECONDS);
        }
        pool.shutdown();

        List<Long> received = sequences(follower.awaitItems(threads * perThread, DELIVERY).getItems());
        assertThat(outOfOrder(received)).as("events delivered after a later one").isEmpty();
        assertThat(received).hasSize(threads * perThread).doesNotHaveDuplicates();
        assertThat(received.get(0)).isEqualTo(2);
        follower.cancel();
    }

    // --- listing

    private List<String> idsOf(ProgressPage page) {
        return page.items().stream().map(p -> p.id().value()).toList();
    }

    protected ProgressPage list(ProjectId project, Optional<ProgressId> after, int limit) {
        return await(progress.list(project, after, limit));
    }

    @Test
    void listsAProjectsOperationsInIdOrderPageByPage() {
        for (String id : List.of("d", "b", "e", "a", "c")) {
            started(SHOP, ProgressId.of(id), 10);
        }
        started(BLOG, ProgressId.of("b0"), 10);

        ProgressPage first = list(SHOP, Optional.empty(), 2);
        ProgressPage second = list(SHOP, first.next(), 2);
        ProgressPage third = list(SHOP, second.next(), 2);

        assertThat(idsOf(first)).containsExactly("a", "b");
        assertThat(first.next()).contains(ProgressId.of("b"));
        assertThat(idsOf(second)).containsExactly("c", "d");
        assertThat(idsOf(third)).containsExactly("e");
        assertThat(third.next()).isEmpty();
    }

    @Test
    void listsEachOperationWithItsCurrentState() {
        started(SHOP, IMPORT, 10);
        started(SHOP, EXPORT, 10);
        recorded(SHOP, IMPORT, steps(3));
        recorded(SHOP, EXPORT, new ProgressChange.Complete("done"));

        assertThat(list(SHOP, Optional.empty(), 10).items()).containsExactlyInAnyOrder(current(SHOP, IMPORT), current(SHOP, EXPORT));
    }

    @Test
    void listsNothingForAProjectWithoutOperations() {
        started(SHOP, IMPORT, 10);

        assertThat(list(BLOG, Optional.empty(), 10)).isEqualTo(new ProgressPage(List.of(), Optional.empty()));
    }

    @Test
    void leavesExpiredOperationsOutOfTheListing() {
        Duration ttl = Duration.ofSeconds(1);
        progress = newRepository(clock, new ProgressRepository.Retention(100, ttl));
        started(SHOP, IMPORT, 10);
        started(SHOP, EXPORT, 10);

        letTimePass(ttl);

        Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> assertThat(list(SHOP, Optional.empty(), 10).items()).isEmpty());
    }

    // --- expiry

    @Test
    void forgetsAnOperationOnceItsTtlHasPassedSinceTheLastUpdate() {
        Duration ttl = Duration.ofSeconds(1);
        progress = newRepository(clock, new ProgressRepository.Retention(100, ttl));
        started(SHOP, IMPORT, 10);
        recordSteps(SHOP, IMPORT, 2);
        started(SHOP, EXPORT, 10);

        letTimePass(ttl);

        // History first: reading the state could make an adapter forget the history with it.
        Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> assertThat(eventsAfter(SHOP, IMPORT, 0)).isEqualTo(new EventsPage(List.of(), false)));
        assertThat(find(SHOP, IMPORT)).isEmpty();
        assertThat(record(SHOP, IMPORT, steps(1))).isEqualTo(new RecordOutcome.Unknown());
        assertThat(find(SHOP, EXPORT)).isEmpty();
    }

    @Test
    void keepsAnOperationStartedToWaitLongerThanTheTtlUntilItsFirstChange() {
        Duration ttl = Duration.ofSeconds(1);
        progress = newRepository(clock, new ProgressRepository.Retention(100, ttl));
        assertThat(await(progress.start(operationOf(SHOP, IMPORT, 10), Duration.ofSeconds(4)))).isTrue();
        started(SHOP, EXPORT, 10);

        letTimePass(ttl);
        Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> find(SHOP, EXPORT).isEmpty());
        assertThat(find(SHOP, IMPORT)).as("still waiting for its work").isPresent();

        recordSteps(SHOP, IMPORT, 1);
        letTimePass(ttl);
        Awaitility.await("after a change, the ttl as any").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> find(SHOP, IMPORT).isEmpty());
    }

    @Test
    void startsAnExpiredIdAfreshWithAnEmptyHistory() {
        Duration ttl = Duration.ofSeconds(1);
        progress = newRepository(clock, new ProgressRepository.Retention(100, ttl));
        started(SHOP, IMPORT, 10);
        recordSteps(SHOP, IMPORT, 5);
        letTimePass(ttl);
        Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> find(SHOP, IMPORT).isEmpty());

        Progress again = started(SHOP, IMPORT, 3);

        assertThat(current(SHOP, IMPORT)).isEqualTo(again);
        assertThat(sequences(eventsAfter(SHOP, IMPORT, 0).events())).containsExactly(1L);
        assertThat(recorded(SHOP, IMPORT, steps(1)).event().sequence()).isEqualTo(2);
    }

    // --- restoring (an import)

    private static Progress movedTo(ProjectId project, Progress p) {
        return new Progress(project, p.id(), p.totalSteps(), p.currentStep(), p.status(), p.message(), p.startedAt(), p.updatedAt(),
                p.lastSequence());
    }

    @Test
    void restoresAnOperationWithItsEventsAsTheyWereAndGoesOnFromItsLastSequence() {
        started(SHOP, IMPORT, 10);
        recordSteps(SHOP, IMPORT, 4);
        Progress original = current(SHOP, IMPORT);
        List<ProgressEvent> history = eventsAfter(SHOP, IMPORT, 0).events();

        assertThat(await(progress.restore(movedTo(BLOG, original), history, Duration.ofMinutes(5)))).isTrue();

        assertThat(current(BLOG, IMPORT)).isEqualTo(movedTo(BLOG, original));
        assertThat(eventsAfter(BLOG, IMPORT, 0).events()).isEqualTo(history);
        assertThat(await(progress.list(BLOG, Optional.empty(), 10)).items()).extracting(Progress::id).containsExactly(IMPORT);
        RecordOutcome.Recorded next = recorded(BLOG, IMPORT, step("after the move"));
        assertThat(next.event().sequence()).isEqualTo(original.lastSequence() + 1);
        assertThat(next.progress().currentStep()).isEqualTo(5);
    }

    @Test
    void neverRestoresOverALiveOperationOfTheSameId() {
        started(SHOP, IMPORT, 10);
        recordSteps(SHOP, IMPORT, 2);
        Progress held = current(SHOP, IMPORT);
        Progress other = new Progress(SHOP, IMPORT, 3, 3, ProgressStatus.COMPLETED, "elsewhere", held.startedAt(), held.updatedAt(), 4);

        assertThat(await(progress.restore(other, List.of(), Duration.ofMinutes(5)))).isFalse();

        assertThat(current(SHOP, IMPORT)).isEqualTo(held);
        assertThat(sequences(eventsAfter(SHOP, IMPORT, 0).events())).containsExactly(1L, 2L, 3L);
    }

    @Test
    void listsTheProjectsHoldingLiveOperationsInIdOrder() {
        started(SHOP, IMPORT, 3);
        started(BLOG, EXPORT, 3);
        started(ProjectId.of("zeta-2"), IMPORT, 3);

        assertThat(await(progress.projects())).extracting(ProjectId::value).containsExactly("blog", "shop", "zeta-2");
    }
}
