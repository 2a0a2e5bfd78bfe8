package contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import domain.InvalidValueException;
import domain.progress.ProgressId;
import domain.project.ProjectId;
import domain.task.ClaimBatch;
import domain.task.ClaimRequest;
import domain.task.EnqueueOutcome;
import domain.task.Handover;
import domain.task.LeaseToken;
import domain.task.NewTask;
import domain.task.Priority;
import domain.task.QueueCounts;
import domain.task.QueueName;
import domain.task.QueueSettings;
import domain.task.QueueSignal;
import domain.task.RetryPolicy;
import domain.task.Task;
import domain.task.TaskId;
import domain.task.TaskOutcome;
import domain.task.TaskPage;
import domain.task.TaskRef;
import domain.task.TaskRepository;
import domain.task.TaskState;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import support.MutableClock;

/**
 * The semantics every task adapter must have, run against each of them with an injected clock:
 * leases and fencing, retries and dead letters, delays and priorities, idempotency, fairness,
 * cancel, retention, caps, and the signal that wakes a long poll.
 */
public abstract class TaskRepositoryContract {

    protected static final ProjectId SHOP = ProjectId.of("shop");
    protected static final ProjectId BLOG = ProjectId.of("blog");
    protected static final QueueName EMAILS = QueueName.of("emails");
    protected static final QueueName REPORTS = QueueName.of("reports");
    protected static final Duration LEASE = Duration.ofSeconds(30);
    protected static final RetryPolicy RETRY = new RetryPolicy(Duration.ofSeconds(10), Duration.ofMinutes(1), 3);
    protected static final QueueSettings SETTINGS = QueueSettings.DEFAULT.withRetry(RETRY).withDefaultLease(LEASE)
            .withDeadLetterRetention(Duration.ofHours(2));
    protected static final TaskRepository.Retention RETENTION =
            new TaskRepository.Retention(Duration.ofHours(1), Duration.ofHours(24));
    protected static final Duration WAIT = Duration.ofSeconds(30);

    protected final MutableClock clock = new MutableClock();
    /** The retry jitter every adapter is given, in [0, 1): tests set it to make backoff exact. */
    protected volatile double jitter;
    protected TaskRepository tasks;
    private ExecutorService pool;

    /** A fresh, empty repository on {@code clock}, isolated from every other test. */
    protected abstract TaskRepository newRepository(MutableClock clock, TaskRepository.Retention retention, QueueSettings defaults,
            DoubleSupplier jitter);

    /**
     * Lets {@code duration} pass for the store beyond the clock: the in-memory store reads only the
     * test clock; Redis also expires keys in real time, which its subclass may wait for.
     */
    protected abstract void letTimePass(Duration duration);

    @BeforeEach
    void createRepository() {
        tasks = newRepository(clock, RETENTION, SETTINGS, () -> jitter);
        pool = Executors.newFixedThreadPool(50);
    }

    @AfterEach
    void stopPool() {
        pool.shutdownNow();
    }

    // --- fixtures that read like sentences

    protected static NewTask email(String to) {
        return NewTask.of(SHOP, EMAILS, "{\"to\":\"" + to + "\"}");
    }

    protected Task enqueued(NewTask request) {
        EnqueueOutcome outcome = await(tasks.enqueue(request));
        assertThat(outcome).as("enqueue of " + request.payload()).isInstanceOf(EnqueueOutcome.Enqueued.class);
        return ((EnqueueOutcome.Enqueued) outcome).task();
    }

    protected List<Task> claimed(ProjectId project, QueueName queue, int max) {
        return await(tasks.claim(project, queue, ClaimRequest.upTo(max))).tasks();
    }

    /** Claims the one task a claim must find. */
    protected Task claimedOne() {
        List<Task> claimed = claimed(SHOP, EMAILS, 1);
        assertThat(claimed).as("claimed").hasSize(1);
        return claimed.get(0);
    }

    protected static LeaseToken tokenOf(Task task) {
        return task.lease().orElseThrow().token();
    }

    protected TaskOutcome complete(Task running) {
        return await(tasks.complete(running.ref(), tokenOf(running), Optional.of("{\"ok\":true}")));
    }

    protected TaskOutcome fail(Task running) {
        return await(tasks.fail(running.ref(), tokenOf(running), "smtp down", true));
    }

    protected Optional<Task> find(TaskRef ref) {
        return await(tasks.find(ref));
    }

    protected Task current(TaskRef ref) {
        return find(ref).orElseThrow(() -> new AssertionError("no task " + ref));
    }

    protected QueueCounts counts() {
        return await(tasks.counts(SHOP, EMAILS));
    }

    protected static Task doneTask(TaskOutcome outcome) {
        assertThat(outcome).isInstanceOf(TaskOutcome.Done.class);
        return ((TaskOutcome.Done) outcome).task();
    }

    protected static <T> T await(Uni<T> uni) {
        return uni.await().atMost(WAIT);
    }

    // --- enqueue and find

    @Test
    void findsATaskAsItWasEnqueuedWithEveryField() {
        Task task = enqueued(email("ada").withPriority(3).withMaxAttempts(7).withIdempotencyKey("welcome-ada")
                .withProgress(ProgressId.of("op_1")));

        assertThat(task.state()).isEqualTo(TaskState.QUEUED);
        assertThat(task.maxAttempts()).isEqualTo(7);
        assertThat(task.createdAt()).isEqualTo(clock.instant());
        assertThat(find(task.ref())).contains(task);
    }

    @Test
    void findsNothingForAnUnknownTaskOrAnotherProjectsOrQueuesTask() {
        Task task = enqueued(email("ada"));

        assertThat(find(TaskRef.of(SHOP, EMAILS, TaskId.of("tk_unknown")))).isEmpty();
        assertThat(find(TaskRef.of(BLOG, EMAILS, task.id()))).isEmpty();
        assertThat(find(TaskRef.of(SHOP, REPORTS, task.id()))).isEmpty();
    }

    @Test
    void enqueuesABatchInOrderWithOneOutcomeEach() {
        List<NewTask> batch = IntStream.range(0, 5).mapToObj(i -> email("u" + i)).toList();

        List<EnqueueOutcome> outcomes = await(tasks.enqueueAll(batch));

        assertThat(outcomes).hasSize(5).allMatch(o -> o instanceof EnqueueOutcome.Enqueued);
        assertThat(claimed(SHOP, EMAILS, 10)).extracting(Task::payload).containsExactlyElementsOf(batch.stream().map(NewTask::payload).toList());
    }

    // --- leases

    @Test
    void aClaimLeasesTheTaskWithItsPayloadAnAttemptAndTokens() {
        Task task = enqueued(email("ada"));

        Task running = claimedOne();

        assertThat(running.id()).isEqualTo(task.id());
        assertThat(running.payload()).isEqualTo(task.payload());
        assertThat(running.state()).isEqualTo(TaskState.RUNNING);
        assertThat(running.attempt()).isEqualTo(1);
        assertThat(running.fencingToken()).isEqualTo(1);
        assertThat(running.lease().orElseThrow().expiresAt()).isEqualTo(clock.instant().plus(LEASE));
        assertThat(current(task.ref())).isEqualTo(running);
        assertThat(claimed(SHOP, EMAILS, 1)).isEmpty();
    }

    @Test
    void aClaimMayAskForItsOwnLease() {
        enqueued(email("ada"));

        Task running = await(tasks.claim(SHOP, EMAILS, ClaimRequest.one().leasedFor(Duration.ofMinutes(5)))).tasks().get(0);

        assertThat(running.lease().orElseThrow().expiresAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(5)));
    }

    @Test
    void anExpiredLeaseRedeliversTheTaskExactlyOnceAndTheStaleCompleteIsRefusedAndChangesNothing() {
        enqueued(email("ada"));
        Task first = claimedOne();
        clock.advance(LEASE);

        Task second = claimedOne();
        assertThat(claimed(SHOP, EMAILS, 10)).as("a second redelivery").isEmpty();

        assertThat(second.id()).isEqualTo(first.id());
        assertThat(second.attempt()).isEqualTo(2);
        assertThat(second.fencingToken()).isEqualTo(first.fencingToken() + 1);
        assertThat(tokenOf(second)).isNotEqualTo(tokenOf(first));
        assertThat(complete(first)).isInstanceOf(TaskOutcome.StaleLease.class);
        assertThat(await(tasks.heartbeat(first.ref(), tokenOf(first), Optional.empty()))).isInstanceOf(TaskOutcome.StaleLease.class);
        assertThat(fail(first)).isInstanceOf(TaskOutcome.StaleLease.class);
        assertThat(current(first.ref())).isEqualTo(second);
        assertThat(doneTask(complete(second)).state()).isEqualTo(TaskState.SUCCEEDED);
    }

    @Test
    void aLeaseHoldsUntilItsLastMillisecond() {
        enqueued(email("ada"));
        Task running = claimedOne();
        clock.advance(LEASE.minusMillis(1));

        assertThat(claimed(SHOP, EMAILS, 1)).isEmpty();
        assertThat(doneTask(complete(running)).state()).isEqualTo(TaskState.SUCCEEDED);
    }

    @Test
    void aCompleteAfterTheLeasePassedIsRefusedEvenBeforeAnotherWorkerClaims() {
        enqueued(email("ada"));
        Task running = claimedOne();
        clock.advance(LEASE);

        assertThat(complete(running)).isInstanceOf(TaskOutcome.StaleLease.class);
        assertThat(current(running.ref()).state()).isNotEqualTo(TaskState.SUCCEEDED);
    }

    @Test
    void aHeartbeatExtendsTheLeaseSoNoOtherWorkerGetsTheTask() {
        enqueued(email("ada"));
        Task running = claimedOne();
        clock.advance(Duration.ofSeconds(20));

        Task extended = doneTask(await(tasks.heartbeat(running.ref(), tokenOf(running), Optional.of(Duration.ofSeconds(40)))));
        clock.advance(Duration.ofSeconds(30));

        assertThat(extended.lease().orElseThrow().expiresAt()).isEqualTo(clock.instant().plusSeconds(10));
        assertThat(claimed(SHOP, EMAILS, 1)).isEmpty();
        assertThat(doneTask(complete(running)).attempt()).isEqualTo(1);
    }

    @Test
    void aHeartbeatWithoutALengthExtendsByTheQueuesDefaultLease() {
        enqueued(email("ada"));
        Task running = claimedOne();
        clock.advance(Duration.ofSeconds(5));

        Task extended = doneTask(await(tasks.heartbeat(running.ref(), tokenOf(running), Optional.empty())));

        assertThat(extended.lease().orElseThrow().expiresAt()).isEqualTo(clock.instant().plus(LEASE));
    }

    @Test
    void completingStoresTheResultAndARepeatWithTheSameLeaseAnswersTheSame() {
        enqueued(email("ada"));
        Task running = claimedOne();

        Task succeeded = doneTask(complete(running));

        assertThat(succeeded.result()).contains("{\"ok\":true}");
        assertThat(succeeded.finishedAt()).contains(clock.instant());
        assertThat(current(running.ref())).isEqualTo(succeeded);
        assertThat(complete(running)).isEqualTo(new TaskOutcome.Done(succeeded));
    }

    // --- complete and claim the next, in one step

    @Test
    void completingAndClaimingSucceedsTheTaskAndLeasesTheNextInClaimOrder() {
        enqueued(email("first"));
        Task second = enqueued(email("second"));
        Task urgent = enqueued(email("urgent").withPriority(5));
        Task running = claimedOne();
        assertThat(running.id()).isEqualTo(urgent.id());

        Handover handover = await(tasks.completeAndClaim(running.ref(), tokenOf(running), Optional.of("{\"ok\":true}"),
                ClaimRequest.upTo(2).leasedFor(Duration.ofMinutes(2))));

        Task succeeded = doneTask(handover.outcome());
        assertThat(succeeded.state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(succeeded.result()).contains("{\"ok\":true}");
        List<Task> next = handover.next().tasks();
        assertThat(next).extracting(Task::payload).containsExactly("{\"to\":\"first\"}", "{\"to\":\"second\"}");
        assertThat(next).allSatisfy(t -> {
            assertThat(t.state()).isEqualTo(TaskState.RUNNING);
            assertThat(t.attempt()).isEqualTo(1);
            assertThat(t.lease().orElseThrow().expiresAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(2)));
            assertThat(current(t.ref())).isEqualTo(t);
        });
        assertThat(next).extracting(TaskRepositoryContract::tokenOf).doesNotHaveDuplicates().doesNotContain(tokenOf(running));
        assertThat(current(second.ref()).state()).isEqualTo(TaskState.RUNNING);
        assertThat(claimed(SHOP, EMAILS, 10)).isEmpty();
    }

    @Test
    void completingAndClaimingFromAnEmptyQueueSaysWhenTheNextTaskComesDue() {
        enqueued(email("now"));
        enqueued(email("later").delayedBy(Duration.ofMinutes(3)));
        Task running = claimedOne();

        Handover handover = await(tasks.completeAndClaim(running.ref(), tokenOf(running), Optional.empty(), ClaimRequest.upTo(5)));

        assertThat(doneTask(handover.outcome()).state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(handover.next().tasks()).isEmpty();
        assertThat(handover.next().nextDueAt()).contains(clock.instant().plus(Duration.ofMinutes(3)));
    }

    @Test
    void aRefusedCompletionClaimsNothing() {
        enqueued(email("lost"));
        Task stale = claimedOne();
        clock.advance(LEASE);
        Task owner = claimedOne();
        Task waiting = enqueued(email("waiting"));

        Handover handover = await(tasks.completeAndClaim(stale.ref(), tokenOf(stale), Optional.empty(), ClaimRequest.upTo(5)));

        assertThat(handover.outcome()).isInstanceOf(TaskOutcome.StaleLease.class);
        assertThat(handover.next().tasks()).isEmpty();
        assertThat(current(owner.ref())).isEqualTo(owner);
        assertThat(current(waiting.ref()).state()).isEqualTo(TaskState.QUEUED);
        Handover unknown = await(tasks.completeAndClaim(TaskRef.of(SHOP, EMAILS, TaskId.of("tk_nothing")), LeaseToken.of("x.1"),
                Optional.empty(), ClaimRequest.one()));
        assertThat(unknown.outcome()).isEqualTo(new TaskOutcome.NotFound());
        assertThat(current(waiting.ref()).state()).isEqualTo(TaskState.QUEUED);
    }

    @Test
    void aCancelRequestedWhileRunningRefusesTheCompletionAndClaimsNothing() {
        enqueued(email("cancel me"));
        Task running = claimedOne();
        Task waiting = enqueued(email("waiting"));
        await(tasks.cancel(running.ref()));

        Handover handover = await(tasks.completeAndClaim(running.ref(), tokenOf(running), Optional.empty(), ClaimRequest.one()));

        assertThat(handover.outcome()).isInstanceOf(TaskOutcome.Cancelled.class);
        assertThat(handover.next().tasks()).isEmpty();
        assertThat(current(waiting.ref()).state()).isEqualTo(TaskState.QUEUED);
    }

    @Test
    void changesToAnUnknownTaskAreNotFound() {
        TaskRef unknown = TaskRef.of(SHOP, EMAILS, TaskId.of("tk_nothing"));
        LeaseToken token = LeaseToken.of("x.1");

        assertThat(await(tasks.complete(unknown, token, Optional.empty()))).isEqualTo(new TaskOutcome.NotFound());
        assertThat(await(tasks.heartbeat(unknown, token, Optional.empty()))).isEqualTo(new TaskOutcome.NotFound());
        assertThat(await(tasks.fail(unknown, token, "e", true))).isEqualTo(new TaskOutcome.NotFound());
        assertThat(await(tasks.cancel(unknown))).isEqualTo(new TaskOutcome.NotFound());
    }

    @Test
    void eightConcurrentWorkersDrainTwoThousandTasksEachCompletedExactlyOnce() throws Exception {
        for (int batch = 0; batch < 20; batch++) {
            int first = batch * 100;
            await(tasks.enqueueAll(IntStream.range(first, first + 100).mapToObj(i -> email("user" + i)).toList()));
        }
        Map<TaskId, AtomicInteger> completions = new ConcurrentHashMap<>();
        AtomicInteger refused = new AtomicInteger();
        List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < 8; w++) {
            int max = w % 2 == 0 ? 1 : 7;
            workers.add(pool.submit(() -> {
                List<Task> batch;
                while (!(batch = claimed(SHOP, EMAILS, max)).isEmpty()) {
                    for (Task task : batch) {
                        if (complete(task) instanceof TaskOutcome.Done) {
                            completions.computeIfAbsent(task.id(), id -> new AtomicInteger()).incrementAndGet();
                        } else {
                            refused.incrementAndGet();
                        }
                    }
                }
            }));
        }
        for (Future<?> worker : workers) {
            worker.get(2, TimeUnit.MINUTES);
        }

        assertThat(completions).hasSize(2_000);
        assertThat(completions.values()).allMatch(n -> n.get() == 1);
        assertThat(refused).hasValue(0);
        assertThat(counts().of(TaskState.SUCCEEDED)).isEqualTo(2_000);
        assertThat(counts().waiting()).isZero();
    }

    @Test
    void refusesALeaseExtensionOutsideOneSecondToTwelveHoursAndKeepsTheLease() {
        enqueued(email("ada"));
        Task running = claimedOne();

        assertThatThrownBy(() -> await(tasks.heartbeat(running.ref(), tokenOf(running), Optional.of(Duration.ofHours(13)))))
                .isInstanceOf(InvalidValueException.class).extracting("field").isEqualTo("extendSeconds");
        assertThat(current(running.ref())).isEqualTo(running);
    }

    @Test
    void refusesAFailureThatDoesNotSayWhatWentWrongAndKeepsTheTaskRunning() {
        enqueued(email("ada"));
        Task running = claimedOne();

        assertThatThrownBy(() -> await(tasks.fail(running.ref(), tokenOf(running), " ", true)))
                .isInstanceOf(InvalidValueException.class).extracting("field").isEqualTo("error");
        assertThatThrownBy(() -> await(tasks.fail(running.ref(), tokenOf(running), "e".repeat(4097), true)))
                .isInstanceOf(InvalidValueException.class);
        assertThat(current(running.ref())).isEqualTo(running);
    }

    @Test
    void refusesAPageOfNoTasksOrMoreThanAThousand() {
        assertThatThrownBy(() -> await(tasks.list(SHOP, EMAILS, TaskState.QUEUED, 0, 0))).isInstanceOf(InvalidValueException.class);
        assertThatThrownBy(() -> await(tasks.list(SHOP, EMAILS, TaskState.QUEUED, 0, 1001))).isInstanceOf(InvalidValueException.class);
    }

    @Test
    void keepsAnErrorAndAResultWithQuotesNewlinesAndUnicodeExactly() {
        String error = "line 1\nline \"2\"\ttab / slash \\ back – ünïcödé 🚀";
        String result = "{\"text\":\"ünïcödé 🚀\\n\",\"n\":[1,2.5e3,null]}";
        enqueued(NewTask.of(SHOP, EMAILS, result));
        Task first = claimedOne();
        Task failed = doneTask(await(tasks.fail(first.ref(), tokenOf(first), error, true)));
        clock.advance(Duration.ofSeconds(10));
        Task running = claimedOne();
        Task succeeded = doneTask(await(tasks.complete(running.ref(), tokenOf(running), Optional.of(result))));

        assertThat(failed.lastError()).contains(error);
        assertThat(running.payload()).isEqualTo(result);
        assertThat(current(running.ref()).result()).contains(result);
        assertThat(current(running.ref()).lastError()).contains(error);
        assertThat(succeeded.result()).contains(result);
    }

    // --- retries and dead letters

    @Test
    void aFailedTaskComesBackAfterTheBackoffAndDiesAfterItsLastAttempt() {
        Task task = enqueued(email("ada"));
        Task first = claimedOne();
        Task failed = doneTask(fail(first));
        assertThat(failed.state()).isEqualTo(TaskState.FAILED);
        assertThat(failed.runAt()).isEqualTo(clock.instant().plusSeconds(10));

        clock.advance(Duration.ofSeconds(10).minusMillis(1));
        ClaimBatch early = await(tasks.claim(SHOP, EMAILS, ClaimRequest.one()));
        assertThat(early.tasks()).isEmpty();
        assertThat(early.nextDueAt()).contains(failed.runAt());
        clock.advance(Duration.ofMillis(1));
        Task second = claimedOne();
        assertThat(second.attempt()).isEqualTo(2);
        assertThat(second.lastError()).contains("smtp down");

        doneTask(fail(second));
        clock.advance(Duration.ofSeconds(20).minusMillis(1));
        assertThat(claimed(SHOP, EMAILS, 1)).as("the second backoff doubles").isEmpty();
        clock.advance(Duration.ofMillis(1));
        Task third = claimedOne();

        Task dead = doneTask(fail(third));
        assertThat(dead.state()).isEqualTo(TaskState.DEAD);
        assertThat(dead.attempt()).isEqualTo(3);
        clock.advance(Duration.ofMinutes(10));
        assertThat(claimed(SHOP, EMAILS, 1)).isEmpty();
        assertThat(await(tasks.deadLetters(SHOP, EMAILS, 0, 10)).items()).extracting(Task::id).containsExactly(task.id());
        assertThat(counts().of(TaskState.DEAD)).isEqualTo(1);
    }

    @Test
    void theBackoffTakesTheInjectedJitterButNeverGoesBelowTheMinimumDelay() {
        jitter = 0.5;
        enqueued(email("ada"));

        Task first = doneTask(fail(claimedOne()));
        assertThat(first.runAt()).isEqualTo(clock.instant().plusSeconds(10));
        clock.advance(Duration.ofSeconds(10));
        Task second = doneTask(fail(claimedOne()));

        assertThat(second.runAt()).isEqualTo(clock.instant().plusSeconds(15));
    }

    @Test
    void aFailureThatIsNotRetryableKillsTheTaskAtOnce() {
        enqueued(email("ada"));
        Task running = claimedOne();

        Task dead = doneTask(await(tasks.fail(running.ref(), tokenOf(running), "bad address", false)));

        assertThat(dead.state()).isEqualTo(TaskState.DEAD);
        assertThat(dead.lastError()).contains("bad address");
    }

    @Test
    void anExpiredLeaseOnTheLastAttemptMakesADeadLetter() {
        enqueued(email("ada").withMaxAttempts(1));
        Task running = claimedOne();
        clock.advance(LEASE);

        assertThat(claimed(SHOP, EMAILS, 1)).isEmpty();
        Task dead = current(running.ref());
        assertThat(dead.state()).isEqualTo(TaskState.DEAD);
        assertThat(dead.lastError()).contains("lease expired during attempt 1");
    }

    @Test
    void redriveBringsDeadLettersBackWithTheirAttemptsReset() {
        Task a = enqueued(email("a").withMaxAttempts(1));
        Task b = enqueued(email("b").withMaxAttempts(1));
        Task c = enqueued(email("c").withMaxAttempts(1));
        for (Task running : claimed(SHOP, EMAILS, 3)) {
            doneTask(fail(running));
        }

        assertThat(await(tasks.redrive(SHOP, EMAILS, Optional.of(Set.of(b.id(), TaskId.of("tk_not_dead")))))).isEqualTo(1);
        assertThat(current(b.ref()).state()).isEqualTo(TaskState.QUEUED);
        assertThat(current(b.ref()).attempt()).isZero();
        Task again = claimedOne();
        assertThat(again.id()).isEqualTo(b.id());
        assertThat(again.attempt()).isEqualTo(1);

        assertThat(await(tasks.redrive(SHOP, EMAILS, Optional.empty()))).isEqualTo(2);
        assertThat(claimed(SHOP, EMAILS, 10)).extracting(Task::id).containsExactly(a.id(), c.id());
        assertThat(await(tasks.deadLetters(SHOP, EMAILS, 0, 10)).items()).isEmpty();
    }

    @Test
    void givesEveryTaskOfOneClaimALeaseTokenOfItsOwn() {
        Task a = enqueued(email("a"));
        enqueued(email("b"));
        List<Task> both = claimed(SHOP, EMAILS, 2);
        LeaseToken ofB = both.get(1).lease().orElseThrow().token();

        assertThat(both.get(0).lease().orElseThrow().token()).isNotEqualTo(ofB);
        assertThat(await(tasks.complete(a.ref(), ofB, Optional.empty()))).isInstanceOf(TaskOutcome.StaleLease.class);
        assertThat(current(a.ref()).state()).isEqualTo(TaskState.RUNNING);
    }

    // --- delays and priorities

    @Test
    void aDelayedTaskIsNotClaimableBeforeItsTime() {
        Task task = enqueued(email("ada").delayedBy(Duration.ofMinutes(1)));
        assertThat(task.state()).isEqualTo(TaskState.SCHEDULED);

        clock.advance(Duration.ofMinutes(1).minusMillis(1));
        ClaimBatch early = await(tasks.claim(SHOP, EMAILS, ClaimRequest.one()));
        assertThat(early.tasks()).isEmpty();
        assertThat(early.nextDueAt()).contains(task.runAt());

        clock.advance(Duration.ofMillis(1));
        assertThat(claimedOne().id()).isEqualTo(task.id());
    }

    @Test
    void claimsTakeTheHighestPriorityFirstAndEqualPrioritiesInEnqueueOrder() {
        Task a = enqueued(email("a"));
        Task b = enqueued(email("b").withPriority(5));
        Task c = enqueued(email("c"));
        Task d = enqueued(email("d").withPriority(-3));
        Task e = enqueued(email("e").withPriority(5));
        Task f = enqueued(email("f").withPriority(10));
        Task g = enqueued(email("g").withPriority(-10));

        assertThat(claimed(SHOP, EMAILS, 2)).extracting(Task::id).containsExactly(f.id(), b.id());
        assertThat(claimed(SHOP, EMAILS, 10)).extracting(Task::id).containsExactly(e.id(), a.id(), c.id(), d.id(), g.id());
    }

    // --- idempotency

    @Test
    void fiftyConcurrentEnqueuesWithOneIdempotencyKeyGiveOneTask() throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<EnqueueOutcome>> calls = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            calls.add(pool.submit(() -> {
                start.await();
                return await(tasks.enqueue(email("ada").withIdempotencyKey("order-42")));
            }));
        }
        start.countDown();
        List<EnqueueOutcome> outcomes = new ArrayList<>();
        for (Future<EnqueueOutcome> call : calls) {
            outcomes.add(call.get(1, TimeUnit.MINUTES));
        }

        assertThat(outcomes).filteredOn(o -> o instanceof EnqueueOutcome.Enqueued).hasSize(1);
        assertThat(outcomes).filteredOn(o -> o instanceof EnqueueOutcome.Repeated).hasSize(49);
        Set<TaskId> ids = new HashSet<>();
        outcomes.forEach(o -> ids.add(o instanceof EnqueueOutcome.Enqueued e ? e.task().id() : ((EnqueueOutcome.Repeated) o).task().id()));
        assertThat(ids).hasSize(1);
        assertThat(counts().of(TaskState.QUEUED)).isEqualTo(1);
    }

    @Test
    void aRepeatedKeyAnswersTheTaskAsItIsNowEvenFinished() {
        Task task = enqueued(email("ada").withIdempotencyKey("order-42"));
        Task succeeded = doneTask(complete(claimedOne()));

        EnqueueOutcome again = await(tasks.enqueue(email("someone else").withIdempotencyKey("order-42")));

        assertThat(again).isEqualTo(new EnqueueOutcome.Repeated(succeeded));
        assertThat(succeeded.id()).isEqualTo(task.id());
    }

    @Test
    void anIdempotencyKeyNamesItsTaskOnlyWithinTheWindowAndOnlyInItsQueue() {
        Task first = enqueued(email("ada").withIdempotencyKey("order-42"));
        Task inOtherQueue = enqueued(NewTask.of(SHOP, REPORTS, "{}").withIdempotencyKey("order-42"));
        assertThat(inOtherQueue.id()).isNotEqualTo(first.id());

        clock.advance(RETENTION.idempotencyWindow());
        Task second = enqueued(email("ada").withIdempotencyKey("order-42"));

        assertThat(second.id()).isNotEqualTo(first.id());
        assertThat(counts().of(TaskState.QUEUED)).isEqualTo(2);
    }

    // --- fairness

    @Test
    void aWorkerClaimingAcrossProjectsGetsTheSmallProjectsTenTasksWithinItsFirstTwentyClaims() {
        for (int batch = 0; batch < 10; batch++) {
            await(tasks.enqueueAll(IntStream.range(0, 100).mapToObj(i -> NewTask.of(SHOP, EMAILS, "{\"n\":" + i + "}")).toList()));
        }
        await(tasks.enqueueAll(IntStream.range(0, 10).mapToObj(i -> NewTask.of(BLOG, EMAILS, "{\"n\":" + i + "}")).toList()));

        List<Task> firstTwenty = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            firstTwenty.addAll(await(tasks.claimAcross(List.of(SHOP, BLOG), EMAILS, ClaimRequest.one())).tasks());
        }

        assertThat(firstTwenty).hasSize(20);
        assertThat(firstTwenty).filteredOn(t -> t.project().equals(BLOG)).hasSize(10);
    }

    @Test
    void oneClaimAcrossProjectsSharesItsTasksBetweenThoseWithWork() {
        await(tasks.enqueueAll(IntStream.range(0, 50).mapToObj(i -> NewTask.of(SHOP, EMAILS, "{}")).toList()));
        await(tasks.enqueueAll(IntStream.range(0, 3).mapToObj(i -> NewTask.of(BLOG, EMAILS, "{}")).toList()));
        ProjectId quiet = ProjectId.of("quiet");

        List<Task> claimed = await(tasks.claimAcross(List.of(SHOP, quiet, BLOG), EMAILS, ClaimRequest.upTo(12))).tasks();

        assertThat(claimed).hasSize(12);
        assertThat(claimed).filteredOn(t -> t.project().equals(BLOG)).hasSize(3);
        assertThat(claimed).filteredOn(t -> t.project().equals(SHOP)).hasSize(9);
    }

    @Test
    void aClaimAcrossProjectsWithNothingDueSaysWhenTheFirstTaskComesDue() {
        Task soon = enqueued(NewTask.of(BLOG, EMAILS, "{}").delayedBy(Duration.ofSeconds(5)));
        enqueued(NewTask.of(SHOP, EMAILS, "{}").delayedBy(Duration.ofSeconds(50)));

        ClaimBatch batch = await(tasks.claimAcross(List.of(SHOP, BLOG), EMAILS, ClaimRequest.upTo(5)));

        assertThat(batch.tasks()).isEmpty();
        assertThat(batch.nextDueAt()).contains(soon.runAt());
    }

    // --- cancel

    @Test
    void cancellingAQueuedScheduledOrRetryingTaskCancelsItAtOnce() {
        Task queued = enqueued(email("queued"));
        Task scheduled = enqueued(email("scheduled").delayedBy(Duration.ofMinutes(5)));
        Task retrying = enqueued(email("retrying").withPriority(10));
        doneTask(fail(claimedOne()));
        assertThat(current(retrying.ref()).state()).isEqualTo(TaskState.FAILED);

        for (Task task : List.of(queued, scheduled, retrying)) {
            Task cancelled = doneTask(await(tasks.cancel(task.ref())));
            assertThat(cancelled.state()).as(task.payload()).isEqualTo(TaskState.CANCELLED);
            assertThat(current(task.ref()).state()).isEqualTo(TaskState.CANCELLED);
        }
        clock.advance(Duration.ofMinutes(10));
        assertThat(claimed(SHOP, EMAILS, 10)).isEmpty();
        assertThat(counts().of(TaskState.CANCELLED)).isEqualTo(3);
    }

    @Test
    void cancellingARunningTaskMarksItTheHeartbeatReportsItAndItNeverSucceeds() {
        enqueued(email("ada"));
        Task running = claimedOne();

        Task marked = doneTask(await(tasks.cancel(running.ref())));
        assertThat(marked.state()).isEqualTo(TaskState.RUNNING);
        assertThat(marked.cancelRequested()).isTrue();

        TaskOutcome heartbeat = await(tasks.heartbeat(running.ref(), tokenOf(running), Optional.empty()));
        assertThat(heartbeat).isInstanceOf(TaskOutcome.Cancelled.class);
        assertThat(complete(running)).isInstanceOf(TaskOutcome.Cancelled.class);
        assertThat(current(running.ref()).state()).isEqualTo(TaskState.CANCELLED);
        assertThat(counts().of(TaskState.SUCCEEDED)).isZero();
    }

    @Test
    void aRunningTaskWhoseCancelWasRequestedIsRefusedItsCompleteWithoutAHeartbeat() {
        enqueued(email("ada"));
        Task running = claimedOne();
        doneTask(await(tasks.cancel(running.ref())));

        TaskOutcome outcome = complete(running);

        assertThat(outcome).isInstanceOf(TaskOutcome.Cancelled.class);
        assertThat(current(running.ref()).state()).isEqualTo(TaskState.CANCELLED);
    }

    @Test
    void aRunningTaskWhoseCancelWasRequestedIsCancelledWhenItsLeaseExpires() {
        enqueued(email("ada"));
        Task running = claimedOne();
        doneTask(await(tasks.cancel(running.ref())));
        clock.advance(LEASE);

        assertThat(claimed(SHOP, EMAILS, 1)).isEmpty();
        assertThat(current(running.ref()).state()).isEqualTo(TaskState.CANCELLED);
    }

    @Test
    void upkeepTellsOnceOfEachTaskItEndedAndOfNoneItRequeued() {
        List<Task> told = new java.util.concurrent.CopyOnWriteArrayList<>();
        tasks.onEndedByUpkeep(told::add);
        Task dying = enqueued(email("last attempt").withMaxAttempts(1).withPriority(3));
        Task cancelled = enqueued(email("cancelled").withPriority(2));
        Task retried = enqueued(email("retried").withPriority(1));
        List<Task> running = claimed(SHOP, EMAILS, 3);
        assertThat(running).extracting(Task::id).containsExactly(dying.id(), cancelled.id(), retried.id());
        doneTask(await(tasks.cancel(cancelled.ref())));
        clock.advance(LEASE);

        counts();
        counts();

        assertThat(told).extracting(Task::id).containsExactlyInAnyOrder(dying.id(), cancelled.id());
        assertThat(told).filteredOn(t -> t.id().equals(dying.id())).singleElement()
                .satisfies(t -> assertThat(t.state()).isEqualTo(TaskState.DEAD))
                .satisfies(t -> assertThat(t.lastError()).hasValueSatisfying(e -> assertThat(e).contains("lease expired")))
                .satisfies(t -> assertThat(t.payload()).isEqualTo(dying.payload()));
        assertThat(told).filteredOn(t -> t.id().equals(cancelled.id())).singleElement()
                .satisfies(t -> assertThat(t.state()).isEqualTo(TaskState.CANCELLED));
        assertThat(current(retried.ref()).state()).isEqualTo(TaskState.QUEUED);
    }

    @Test
    void cancellingASucceededOrDeadTaskIsRefusedAndACancelledOneRepeats() {
        Task succeeded = enqueued(email("a"));
        doneTask(complete(claimedOne()));
        Task dead = enqueued(email("b").withMaxAttempts(1));
        doneTask(await(tasks.fail(claimedOne().ref(), tokenOf(current(dead.ref())), "e", true)));
        Task cancelled = enqueued(email("c"));
        Task first = doneTask(await(tasks.cancel(cancelled.ref())));

        assertThat(await(tasks.cancel(succeeded.ref()))).isEqualTo(new TaskOutcome.WrongState(TaskState.SUCCEEDED));
        assertThat(await(tasks.cancel(dead.ref()))).isEqualTo(new TaskOutcome.WrongState(TaskState.DEAD));
        assertThat(await(tasks.cancel(cancelled.ref()))).isEqualTo(new TaskOutcome.Done(first));
    }

    // --- listing and counts

    @Test
    void listsAQueuesTasksInOneStatePageByPageInEnqueueOrder() {
        List<TaskId> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(enqueued(email("u" + i)).id());
        }
        enqueued(email("later").delayedBy(Duration.ofMinutes(1)));

        TaskPage first = await(tasks.list(SHOP, EMAILS, TaskState.QUEUED, 0, 2));
        TaskPage second = await(tasks.list(SHOP, EMAILS, TaskState.QUEUED, first.next().orElseThrow(), 2));
        TaskPage last = await(tasks.list(SHOP, EMAILS, TaskState.QUEUED, second.next().orElseThrow(), 2));

        assertThat(first.items()).extracting(Task::id).containsExactly(ids.get(0), ids.get(1));
        assertThat(second.items()).extracting(Task::id).containsExactly(ids.get(2), ids.get(3));
        assertThat(last.items()).extracting(Task::id).containsExactly(ids.get(4));
        assertThat(last.next()).isEmpty();
        assertThat(await(tasks.list(SHOP, EMAILS, TaskState.SCHEDULED, 0, 10)).items()).hasSize(1);
        assertThat(await(tasks.list(SHOP, EMAILS, TaskState.RUNNING, 0, 10)).items()).isEmpty();
    }

    @Test
    void countsTheTasksInEveryStateAndTheAgeOfTheOldestQueuedOne() {
        enqueued(email("a"));
        clock.advance(Duration.ofSeconds(10));
        enqueued(email("b"));
        enqueued(email("c"));
        enqueued(email("d").delayedBy(Duration.ofHours(1)));
        doneTask(complete(claimedOne()));
        claimedOne();
        clock.advance(Duration.ofSeconds(5));

        QueueCounts counts = counts();

        assertThat(counts.byState()).isEqualTo(Map.of(TaskState.QUEUED, 1L, TaskState.SCHEDULED, 1L, TaskState.RUNNING, 1L,
                TaskState.SUCCEEDED, 1L, TaskState.FAILED, 0L, TaskState.DEAD, 0L, TaskState.CANCELLED, 0L));
        assertThat(counts.oldestQueuedAge()).contains(Duration.ofSeconds(5));
    }

    @Test
    void anEmptyQueueCountsNothingAndHasNoOldestTask() {
        QueueCounts counts = counts();

        assertThat(counts.byState().values()).allMatch(n -> n == 0);
        assertThat(counts.oldestQueuedAge()).isEmpty();
    }

    // --- retention and caps

    @Test
    void aFinishedTaskIsGoneAfterTheStatusTtlAndADeadLetterAfterItsRetention() {
        Task succeeded = enqueued(email("a"));
        doneTask(complete(claimedOne()));
        Task dead = enqueued(email("b").withMaxAttempts(1));
        doneTask(fail(claimedOne()));

        clock.advance(RETENTION.statusTtl().minusMillis(1));
        assertThat(find(succeeded.ref())).isPresent();
        clock.advance(Duration.ofMillis(1));
        letTimePass(RETENTION.statusTtl());

        assertThat(find(succeeded.ref())).isEmpty();
        assertThat(await(tasks.list(SHOP, EMAILS, TaskState.SUCCEEDED, 0, 10)).items()).isEmpty();
        assertThat(counts().of(TaskState.SUCCEEDED)).isZero();
        assertThat(find(dead.ref())).isPresent();

        clock.advance(SETTINGS.deadLetterRetention());
        assertThat(find(dead.ref())).isEmpty();
        assertThat(await(tasks.deadLetters(SHOP, EMAILS, 0, 10)).items()).isEmpty();
    }

    @Test
    void aQueueFullOfWaitingTasksRefusesANewOneButNotARepeatAndTakesMoreOnceOneIsClaimed() {
        await(tasks.saveSettings(SHOP, EMAILS, SETTINGS.withMaxQueued(3)));
        enqueued(email("a").withIdempotencyKey("a"));
        enqueued(email("b"));
        enqueued(email("c").delayedBy(Duration.ofMinutes(1)));

        assertThat(await(tasks.enqueue(email("d")))).isEqualTo(new EnqueueOutcome.QueueFull(3));
        assertThat(await(tasks.enqueue(email("a").withIdempotencyKey("a")))).isInstanceOf(EnqueueOutcome.Repeated.class);
        assertThat(await(tasks.enqueue(NewTask.of(BLOG, EMAILS, "{}")))).isInstanceOf(EnqueueOutcome.Enqueued.class);

        claimedOne();
        assertThat(await(tasks.enqueue(email("d")))).isInstanceOf(EnqueueOutcome.Enqueued.class);
        assertThat(counts().waiting()).isEqualTo(3);
    }

    @Test
    void aBatchOverTheCapStoresWhatFitsAndRefusesTheRest() {
        await(tasks.saveSettings(SHOP, EMAILS, SETTINGS.withMaxQueued(2)));

        List<EnqueueOutcome> outcomes = await(tasks.enqueueAll(List.of(email("a"), email("b"), email("c"))));

        assertThat(outcomes.get(0)).isInstanceOf(EnqueueOutcome.Enqueued.class);
        assertThat(outcomes.get(1)).isInstanceOf(EnqueueOutcome.Enqueued.class);
        assertThat(outcomes.get(2)).isEqualTo(new EnqueueOutcome.QueueFull(2));
    }

    // --- settings

    @Test
    void aQueueHasTheDefaultSettingsUntilItsOwnAreSaved() {
        QueueSettings own = SETTINGS.withMaxQueued(7).withDefaultLease(Duration.ofMinutes(2))
                .withRetry(new RetryPolicy(Duration.ofMillis(1500), Duration.ofHours(2), 9));

        assertThat(await(tasks.settings(SHOP, EMAILS))).isEqualTo(SETTINGS);
        await(tasks.saveSettings(SHOP, EMAILS, own));

        assertThat(await(tasks.settings(SHOP, EMAILS))).isEqualTo(own);
        assertThat(await(tasks.settings(SHOP, REPORTS))).isEqualTo(SETTINGS);
        enqueued(email("ada"));
        Task running = claimedOne();
        assertThat(running.maxAttempts()).isEqualTo(9);
        assertThat(running.lease().orElseThrow().expiresAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(2)));
        assertThat(doneTask(fail(running)).runAt()).isEqualTo(clock.instant().plusMillis(1500));
    }

    // --- waiting for work

    @Test
    void aWatcherIsSignalledWhenATaskIsEnqueuedForNow() {
        AssertSubscriber<QueueSignal> watcher = watcher(SHOP, EMAILS);

        enqueued(email("ada"));

        signalled(watcher);
        watcher.cancel();
    }

    @Test
    void aWatcherHearsOnlyOfItsOwnQueue() {
        AssertSubscriber<QueueSignal> watcher = watcher(SHOP, EMAILS);

        enqueued(NewTask.of(SHOP, REPORTS, "{}"));
        enqueued(NewTask.of(BLOG, EMAILS, "{}"));
        enqueued(email("ada"));

        // Signals arrive in order: one of another queue would come first.
        signalled(watcher);
        watcher.cancel();
    }

    @Test
    void aWatcherIsSignalledWhenDeadLettersAreRedriven() {
        enqueued(email("ada").withMaxAttempts(1));
        doneTask(fail(claimedOne()));
        AssertSubscriber<QueueSignal> watcher = watcher(SHOP, EMAILS);

        await(tasks.redrive(SHOP, EMAILS, Optional.empty()));

        signalled(watcher);
        watcher.cancel();
    }

    /**
     * The watcher of shop's emails heard of its queue, and of no other. More than once is allowed: on a Redis
     * Cluster the signal of a change made just before the watch may cross the cluster bus after it (a
     * spurious wake-up, after which a long poll claims, finds nothing and waits on).
     */
    private static void signalled(AssertSubscriber<QueueSignal> watcher) {
        assertThat(watcher.awaitItems(1, WAIT).getItems()).isNotEmpty().containsOnly(new QueueSignal(SHOP, EMAILS));
    }

    protected AssertSubscriber<QueueSignal> watcher(TaskRepository repository, ProjectId project, QueueName queue) {
        AssertSubscriber<QueueSignal> watcher = await(repository.watch(project, queue))
                .subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        watcher.awaitSubscription(WAIT);
        return watcher;
    }

    protected AssertSubscriber<QueueSignal> watcher(ProjectId project, QueueName queue) {
        return watcher(tasks, project, queue);
    }

    // --- copies (export and import)

    /** The task as a copy in another project's queue of the same name: what an import of another project's file brings. */
    protected static Task copyInto(ProjectId project, Task task) {
        return new Task(project, task.queue(), task.id(), task.payload(), task.state(), task.attempt(), task.maxAttempts(),
                task.priority(), task.sequence(), task.runAt(), task.lease(), task.fencingToken(), task.idempotencyKey(),
                task.progressId(), task.result(), task.lastError(), task.cancelRequested(), task.createdAt(), task.updatedAt(),
                task.finishedAt()).copiedAt(task.updatedAt());
    }

    @Test
    void listsTheQueuesOfAProjectThatHoldTasks() {
        enqueued(email("a"));
        enqueued(NewTask.of(SHOP, REPORTS, "{}"));
        enqueued(NewTask.of(BLOG, QueueName.of("comments"), "{}"));

        assertThat(await(tasks.queues(SHOP))).containsExactly(EMAILS, REPORTS);
        assertThat(await(tasks.queues(ProjectId.of("nothing-here")))).isEmpty();
    }

    @Test
    void restoresCopiedTasksInEveryStateAsTheyWere() {
        Task queued = enqueued(email("queued").withIdempotencyKey("order-7").withPriority(3));
        Task scheduled = enqueued(email("later").delayedBy(Duration.ofMinutes(5)));
        enqueued(email("done"));
        enqueued(email("dead").withMaxAttempts(1));
        Task cancelled = enqueued(email("cancelled"));
        await(tasks.cancel(cancelled.ref()));
        List<Task> running = claimed(SHOP, EMAILS, 3); // the three without a delay that are not cancelled, by priority
        complete(running.get(1));
        await(tasks.fail(running.get(2).ref(), tokenOf(running.get(2)), "bounced", false));
        List<Task> originals = new ArrayList<>();
        for (Task t : List.of(queued, scheduled, running.get(1), running.get(2), cancelled)) {
            originals.add(current(t.ref()));
        }
        Task runningNow = current(running.get(0).ref());
        originals.removeIf(t -> t.id().equals(runningNow.id()));
        List<Task> copies = originals.stream().map(t -> copyInto(BLOG, t)).toList();
        Task requeued = copyInto(BLOG, runningNow);

        List<TaskRepository.Restored> outcomes = await(tasks.restore(BLOG, EMAILS,
                java.util.stream.Stream.concat(copies.stream(), java.util.stream.Stream.of(requeued))
                        .sorted(java.util.Comparator.comparingLong(Task::sequence)).toList()));

        assertThat(outcomes).containsOnly(TaskRepository.Restored.STORED).hasSize(copies.size() + 1);
        for (Task copy : copies) {
            assertThat(current(copy.ref())).as("%s", copy.state()).isEqualTo(copy);
        }
        assertThat(requeued.state()).as("a running task gives up its lease when copied").isEqualTo(TaskState.QUEUED);
        assertThat(current(requeued.ref()).lease()).isEmpty();
        assertThat(await(tasks.counts(BLOG, EMAILS)).byState()).containsEntry(TaskState.QUEUED, 1L)
                .containsEntry(TaskState.SCHEDULED, 1L).containsEntry(TaskState.SUCCEEDED, 1L).containsEntry(TaskState.DEAD, 1L)
                .containsEntry(TaskState.CANCELLED, 1L);
    }

    @Test
    void aRestoredTaskIsClaimedAndItsIdempotencyKeyStillNamesIt() {
        Task original = enqueued(email("a").withIdempotencyKey("order-7"));
        Task copy = copyInto(BLOG, original);
        assertThat(await(tasks.restore(BLOG, EMAILS, List.of(copy)))).containsExactly(TaskRepository.Restored.STORED);

        EnqueueOutcome repeat = await(tasks.enqueue(NewTask.of(BLOG, EMAILS, "{}").withIdempotencyKey("order-7")));
        assertThat(repeat).isInstanceOf(EnqueueOutcome.Repeated.class);
        assertThat(((EnqueueOutcome.Repeated) repeat).task().id()).isEqualTo(copy.id());
        Task later = enqueued(NewTask.of(BLOG, EMAILS, "{\"n\":2}"));
        assertThat(later.sequence()).as("the queue's sequence goes on after the copy's").isGreaterThan(copy.sequence());
        List<Task> claims = claimed(BLOG, EMAILS, 2);
        assertThat(claims).extracting(Task::id).containsExactly(copy.id(), later.id());
        assertThat(claims.get(0).fencingToken()).isEqualTo(copy.fencingToken() + 1);
    }

    @Test
    void keepsATaskOfTheSameIdAndGivesACopyANewSequenceWhereItsOwnIsTaken() {
        Task held = enqueued(NewTask.of(BLOG, EMAILS, "{\"held\":true}"));
        Task other = enqueued(email("a"));
        Task sameId = new Task(BLOG, EMAILS, held.id(), "{\"copy\":true}", TaskState.QUEUED, 0, 3, held.priority(), 1,
                held.runAt(), Optional.empty(), 0, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), false,
                held.createdAt(), held.updatedAt(), Optional.empty());

        List<TaskRepository.Restored> outcomes = await(tasks.restore(BLOG, EMAILS, List.of(sameId, copyInto(BLOG, other))));

        assertThat(outcomes).containsExactly(TaskRepository.Restored.EXISTING, TaskRepository.Restored.STORED);
        assertThat(current(held.ref()).payload()).isEqualTo("{\"held\":true}");
        assertThat(current(TaskRef.of(BLOG, EMAILS, other.id())).sequence()).as("sequence 1 was the held task's")
                .isGreaterThan(held.sequence());
        assertThat(await(tasks.restore(BLOG, EMAILS, List.of(copyInto(BLOG, other))))).containsExactly(TaskRepository.Restored.EXISTING);
    }

    @Test
    void leavesOutAFinishedCopyWhoseRetentionPassed() {
        enqueued(email("a"));
        Task done = claimedOne();
        complete(done);
        Task finished = current(done.ref());
        clock.advance(RETENTION.statusTtl().plusSeconds(1));

        assertThat(await(tasks.restore(BLOG, EMAILS, List.of(copyInto(BLOG, finished))))).containsExactly(TaskRepository.Restored.EXPIRED);
        assertThat(find(TaskRef.of(BLOG, EMAILS, finished.id()))).isEmpty();
    }

    @Test
    void refusesARunningTaskOrOneOfAnotherQueue() {
        enqueued(email("a"));
        Task running = claimedOne();

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> await(tasks.restore(SHOP, EMAILS, List.of(running))))
                .isInstanceOf(domain.InvalidValueException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> await(tasks.restore(BLOG, REPORTS, List.of(copyInto(BLOG, running)))))
                .isInstanceOf(domain.InvalidValueException.class);
        Task notDue = new Task(BLOG, EMAILS, TaskId.of("not-due"), "{}", TaskState.QUEUED, 0, 3, Priority.of(10), 1,
                clock.instant().plusSeconds(60), Optional.empty(), 0, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), false, clock.instant(), clock.instant(), Optional.empty());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> await(tasks.restore(BLOG, EMAILS, List.of(notDue))))
                .as("queued means claimable now").isInstanceOf(domain.InvalidValueException.class);
        assertThat(await(tasks.restore(BLOG, EMAILS, List.of(notDue.copiedAt(clock.instant())))))
                .containsExactly(TaskRepository.Restored.STORED);
        assertThat(claimed(BLOG, EMAILS, 1)).extracting(Task::id).containsExactly(notDue.id());
    }

    @Test
    void walksEveryTaskOfAQueueByIdWhateverItsState() {
        for (int i = 0; i < 23; i++) {
            enqueued(email("n" + i).delayedBy(i % 5 == 0 ? Duration.ofMinutes(1) : Duration.ZERO));
        }
        List<Task> running = claimed(SHOP, EMAILS, 6);
        complete(running.get(0));
        fail(running.get(1));
        enqueued(NewTask.of(SHOP, REPORTS, "{}"));

        java.util.Map<TaskId, Task> read = new java.util.HashMap<>();
        String cursor = "";
        for (int pages = 0; ; pages++) {
            assertThat(pages).as("the walk ends").isLessThan(100);
            domain.task.TaskBatch page = await(tasks.walk(SHOP, EMAILS, cursor, 4));
            page.tasks().forEach(task -> read.merge(task.id(), task, (a, b) -> a.updatedAt().isAfter(b.updatedAt()) ? a : b));
            if (page.next().isEmpty()) {
                break;
            }
            cursor = page.next().get();
        }

        assertThat(read).hasSize(23);
        read.values().forEach(task -> assertThat(task).isEqualTo(current(task.ref())));
        assertThat(read.values()).extracting(Task::state).contains(TaskState.QUEUED, TaskState.SCHEDULED, TaskState.RUNNING,
                TaskState.SUCCEEDED, TaskState.FAILED);
    }

    @Test
    void aCopyKeepsItsSequenceUnlessTheQueueHasItAndTheQueueGoesOnAfterTheHighest() {
        Task first = enqueued(email("a"));
        Task second = enqueued(email("b"));
        Task third = enqueued(email("c"));

        // In two calls, the later sequence first: each keeps its own, as in a file imported in batches.
        await(tasks.restore(BLOG, EMAILS, List.of(copyInto(BLOG, third))));
        await(tasks.restore(BLOG, EMAILS, List.of(copyInto(BLOG, first))));

        assertThat(current(TaskRef.of(BLOG, EMAILS, third.id())).sequence()).isEqualTo(third.sequence());
        assertThat(current(TaskRef.of(BLOG, EMAILS, first.id())).sequence()).isEqualTo(first.sequence());
        Task fresh = enqueued(NewTask.of(BLOG, EMAILS, "{}"));
        assertThat(fresh.sequence()).isGreaterThan(third.sequence());
        Task clash = new Task(BLOG, EMAILS, second.id(), second.payload(), TaskState.QUEUED, 0, 3, second.priority(), fresh.sequence(),
                second.runAt(), Optional.empty(), 0, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), false,
                second.createdAt(), second.updatedAt(), Optional.empty());
        await(tasks.restore(BLOG, EMAILS, List.of(clash)));
        assertThat(current(clash.ref()).sequence()).as("its sequence was the fresh task's").isGreaterThan(fresh.sequence());
        assertThat(claimed(BLOG, EMAILS, 4)).extracting(Task::id).containsExactly(first.id(), third.id(), fresh.id(), second.id());
    }
}
