package infrastructure.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import contract.TaskRepositoryContract;
import domain.task.ClaimRequest;
import domain.task.EnqueueOutcome;
import domain.task.QueueSettings;
import domain.task.Task;
import domain.task.TaskOutcome;
import domain.task.TaskRepository;
import domain.task.TaskState;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import support.EmbeddedDatabases;
import support.MutableClock;

/**
 * The embedded task store against the contract, plus what only it shows: tasks and leases kept
 * across a reopening, and rows given back by the sweep once their retention passed.
 */
class EmbeddedTaskRepositoryTest extends TaskRepositoryContract {

    private EmbeddedDatabase db;

    @Override
    protected TaskRepository newRepository(MutableClock clock, TaskRepository.Retention retention, QueueSettings defaults,
            DoubleSupplier jitter) {
        db = EmbeddedDatabases.fresh();
        return new EmbeddedTaskRepository(db, clock, retention, defaults, jitter);
    }

    @Override
    protected void letTimePass(Duration duration) {
        // Only the test clock counts here, and the caller moved it.
    }

    @AfterEach
    void closeDatabase() {
        db.close();
    }

    private EmbeddedTaskRepository reopened() {
        Path directory = db.directory();
        db.close();
        db = EmbeddedDatabases.open(directory, EmbeddedDatabases.DEFAULT_MAX_BYTES);
        return new EmbeddedTaskRepository(db, clock, RETENTION, SETTINGS, () -> jitter);
    }

    private long rows(String table) {
        return EmbeddedDatabases.rows(db, table);
    }

    /** The state in the task's row, read without the upkeep a call of the port would run. */
    private String storedState(Task task) {
        EmbeddedDatabase.Work<String> state = c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT state FROM tasks WHERE id = ?")) {
                select.setString(1, task.id().value());
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? row.getString(1) : null;
                }
            }
        };
        return await(db.read(state));
    }

    @Test
    void keepsTasksTheirLeasesAndTheQueuesSettingsAcrossAReopening() {
        await(tasks.saveSettings(SHOP, EMAILS, SETTINGS.withMaxQueued(50)));
        Task waiting = enqueued(email("waiting").withIdempotencyKey("order-1"));
        Task running = enqueued(email("running").withPriority(5));
        Task claimed = claimedOne();
        assertThat(claimed.id()).isEqualTo(running.id());

        tasks = reopened();

        assertThat(current(running.ref())).isEqualTo(claimed);
        assertThat(current(waiting.ref())).isEqualTo(waiting);
        assertThat(await(tasks.settings(SHOP, EMAILS))).isEqualTo(SETTINGS.withMaxQueued(50));
        assertThat(await(tasks.enqueue(email("again").withIdempotencyKey("order-1"))))
                .isEqualTo(new EnqueueOutcome.Repeated(waiting));
        assertThat(await(tasks.heartbeat(claimed.ref(), tokenOf(claimed), Optional.empty()))).isInstanceOf(TaskOutcome.Done.class);
        Task next = enqueued(email("next"));
        assertThat(next.sequence()).as("the queue's sequence goes on").isEqualTo(3);
        assertThat(doneTask(complete(claimed)).state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(counts().waiting()).isEqualTo(2);
    }

    @Test
    void theSweepDeletesFinishedTasksAndIdempotencyKeysPastTheirRetention() {
        for (int i = 0; i < 3; i++) {
            enqueued(email("u" + i).withIdempotencyKey("k" + i));
        }
        for (Task running : claimed(SHOP, EMAILS, 2)) {
            complete(running);
        }
        assertThat(rows("tasks")).isEqualTo(3);

        clock.advance(RETENTION.statusTtl());
        db.sweepNow();

        assertThat(rows("tasks")).as("the waiting task stays").isEqualTo(1);
        assertThat(rows("task_idempotency")).isEqualTo(3);
        clock.advance(RETENTION.idempotencyWindow());
        db.sweepNow();
        assertThat(rows("task_idempotency")).isZero();
        assertThat(rows("tasks")).isEqualTo(1);
    }

    @Test
    void theSweepReclaimsTheExpiredLeasesOfAQueueNobodyTouchesAndTellsOfThoseItEnded() {
        List<Task> told = new CopyOnWriteArrayList<>();
        tasks.onEndedByUpkeep(told::add);
        Task dying = enqueued(email("last attempt").withMaxAttempts(1).withPriority(1));
        Task retried = enqueued(email("retried"));
        List<Task> running = await(tasks.claim(SHOP, EMAILS, ClaimRequest.upTo(2))).tasks();
        assertThat(running).extracting(Task::id).containsExactly(dying.id(), retried.id());
        clock.advance(LEASE);

        db.sweepNow();

        assertThat(told).extracting(Task::id).containsExactly(dying.id());
        assertThat(told.get(0).state()).isEqualTo(TaskState.DEAD);
        assertThat(storedState(retried)).isEqualTo("QUEUED");
        counts();
        assertThat(told).as("told once").hasSize(1);
    }
}
