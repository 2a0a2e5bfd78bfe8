package infrastructure.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import domain.progress.ProgressId;
import domain.project.ProjectId;
import domain.task.IdempotencyKey;
import domain.task.Lease;
import domain.task.LeaseToken;
import domain.task.Priority;
import domain.task.QueueName;
import domain.task.Task;
import domain.task.TaskId;
import domain.task.TaskState;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The task record as the scripts write it, read in one pass: every field, as the record's tree reading read it. */
class TaskRecordTest {

    private static final ProjectId SHOP = ProjectId.of("shop");
    private static final QueueName EMAILS = QueueName.of("emails");

    @Test
    void readsEveryFieldOfARunningTaskAsCjsonWritesIt() {
        // Field order and spelling as cjson.encode gives them: a Lua table's order, '/' escaped, no field for nil.
        String record = "{\"ua\":1893499200500,\"lt\":\"Xy_z0.3\",\"st\":\"RUNNING\",\"at\":2,\"ma\":5,\"pr\":-3,\"sq\":42,"
                + "\"ra\":1893499200000,\"le\":1893499230500,\"fe\":3,\"cr\":true,\"ca\":1893499100000,"
                + "\"ik\":\"order-7\",\"pi\":\"p_1\",\"er\":\"smtp \\/ down \\u00e9\"}";

        Task task = TaskRecord.task(SHOP, EMAILS, "t1", bytes(record), "{\"to\":\"ada\"}");

        assertThat(task).isEqualTo(new Task(SHOP, EMAILS, TaskId.of("t1"), "{\"to\":\"ada\"}", TaskState.RUNNING, 2, 5,
                Priority.of(-3), 42, Instant.ofEpochMilli(1893499200000L),
                Optional.of(new Lease(LeaseToken.of("Xy_z0.3"), Instant.ofEpochMilli(1893499230500L))), 3,
                Optional.of(IdempotencyKey.of("order-7")), Optional.of(ProgressId.of("p_1")), Optional.empty(),
                Optional.of("smtp / down é"), true, Instant.ofEpochMilli(1893499100000L), Instant.ofEpochMilli(1893499200500L),
                Optional.empty()));
    }

    @Test
    void writesARecordThatReadsBackAsTheSameTaskWithoutItsLease() {
        Task finished = new Task(SHOP, EMAILS, TaskId.of("t2"), "{}", TaskState.SUCCEEDED, 1, 3, Priority.of(0), 7,
                Instant.ofEpochMilli(1893499200000L), Optional.empty(), 1, Optional.empty(), Optional.empty(),
                Optional.of("{\"sent\":true,\"note\":\"naïve \\\"quoted\\\"\"}"), Optional.empty(), false,
                Instant.ofEpochMilli(1893499100000L), Instant.ofEpochMilli(1893499300000L),
                Optional.of(Instant.ofEpochMilli(1893499300000L)));

        String record = TaskRecord.of(finished);

        assertThat(TaskRecord.task(SHOP, EMAILS, "t2", bytes(record), "{}")).isEqualTo(finished);
    }

    @Test
    void takesNumbersWrittenAsFloatsNullsAsAbsentAndSkipsFieldsItDoesNotKnowOrThatHoldStructures() {
        String record = "{\"st\":\"QUEUED\",\"at\":0,\"ma\":3.0,\"pr\":0,\"sq\":1,\"ra\":1.8934992e+12,\"fe\":0,\"cr\":false,"
                + "\"ca\":1893499200000,\"ua\":1893499200000,\"lt\":null,\"rs\":null,\"later\":{\"a\":[1,{\"b\":2}]},"
                + "\"er\":{\"st\":\"DEAD\"},\"ik\":[\"x\",{\"ma\":9}],\"next\":7}";

        Task task = TaskRecord.task(SHOP, EMAILS, "t3", bytes(record), "{}");

        assertThat(task.state()).as("a known name over an object: skipped whole").isEqualTo(TaskState.QUEUED);
        assertThat(task.maxAttempts()).isEqualTo(3);
        assertThat(task.lastError()).isEmpty();
        assertThat(task.idempotencyKey()).isEmpty();
        assertThat(task.runAt()).isEqualTo(Instant.ofEpochMilli(1893499200000L));
        assertThat(task.lease()).isEmpty();
        assertThat(task.result()).isEmpty();
    }

    @Test
    void tellsAFinishedTaskPastItsRetention() {
        String fields = "\"at\":1,\"ma\":3,\"pr\":0,\"sq\":7,\"ra\":500,\"fe\":1,\"cr\":false,\"ca\":400,\"ua\":600";
        byte[] kept = bytes("{\"st\":\"SUCCEEDED\"," + fields + ",\"fa\":600,\"ku\":1000}");
        byte[] live = bytes("{\"st\":\"QUEUED\"," + fields + "}");

        assertThat(TaskRecord.unlessExpired(SHOP, EMAILS, "t5", kept, "{}", 999)).get()
                .satisfies(task -> assertThat(task.state()).isEqualTo(TaskState.SUCCEEDED));
        assertThat(TaskRecord.unlessExpired(SHOP, EMAILS, "t5", kept, "{}", 1000)).isEmpty();
        assertThat(TaskRecord.unlessExpired(SHOP, EMAILS, "t6", live, "{}", Long.MAX_VALUE)).get()
                .satisfies(task -> assertThat(task.id()).isEqualTo(TaskId.of("t6")));
    }

    @Test
    void refusesARecordWithoutARequiredFieldOrThatIsNoObject() {
        assertThatThrownBy(() -> TaskRecord.task(SHOP, EMAILS, "t4", bytes("{\"st\":\"QUEUED\",\"at\":0}"), "{}"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no field ma");
        assertThatThrownBy(() -> TaskRecord.task(SHOP, EMAILS, "t4", bytes("[1]"), "{}"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> TaskRecord.task(SHOP, EMAILS, "t4", bytes("{\"st\":"), "{}"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("not JSON");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
