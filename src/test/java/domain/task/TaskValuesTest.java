package domain.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import domain.InvalidValueException;
import domain.project.ProjectId;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The value objects of the task queue and the limits they enforce. */
class TaskValuesTest {

    private static final ProjectId SHOP = ProjectId.of("shop");
    private static final QueueName EMAILS = QueueName.of("emails");

    @Test
    void acceptsQueueNamesShapedLikeProjectIds() {
        assertThat(QueueName.of("a").value()).isEqualTo("a");
        assertThat(QueueName.of("0-emails_v2").value()).isEqualTo("0-emails_v2");
        assertThat(QueueName.of("q" + "x".repeat(63)).value()).hasSize(64);
    }

    @Test
    void refusesQueueNamesWithCapitalsBracesOrALeadingDashOrLongerThan64() {
        for (String bad : new String[] {"", "Emails", "-emails", "_x", "a{b}", "a/b", "a b", "q" + "x".repeat(64)}) {
            assertThatThrownBy(() -> QueueName.of(bad)).as(bad).isInstanceOf(InvalidValueException.class)
                    .extracting("field").isEqualTo("queue");
        }
    }

    @Test
    void generatedTaskIdsAreValidUniqueAndSortByCreationTime() {
        Instant now = Instant.parse("2030-01-01T12:00:00Z");
        TaskId earlier = TaskId.generate(now);
        TaskId later = TaskId.generate(now.plusMillis(1));

        assertThat(TaskId.of(earlier.value())).isEqualTo(earlier);
        assertThat(TaskId.generate(now)).isNotEqualTo(TaskId.generate(now));
        assertThat(earlier.value().compareTo(later.value())).isNegative();
    }

    @Test
    void refusesTaskIdsThatAreNotSafeInAPath() {
        for (String bad : new String[] {"", "a/b", "..", "a.b", "x".repeat(65)}) {
            assertThatThrownBy(() -> TaskId.of(bad)).as(bad).isInstanceOf(InvalidValueException.class);
        }
    }

    @Test
    void prioritiesRangeFromMinusTenToTen() {
        assertThat(Priority.of(-10).value()).isEqualTo(-10);
        assertThat(Priority.of(10).value()).isEqualTo(10);
        assertThatThrownBy(() -> Priority.of(11)).isInstanceOf(InvalidValueException.class).hasMessage("priority must be between -10 and 10");
        assertThatThrownBy(() -> Priority.of(-11)).isInstanceOf(InvalidValueException.class);
    }

    @Test
    void aDelayMayBeUpToThirtyDays() {
        assertThat(NewTask.of(SHOP, EMAILS, "{}").delayedBy(Duration.ofDays(30)).delay()).isEqualTo(Duration.ofDays(30));
        assertThatThrownBy(() -> NewTask.of(SHOP, EMAILS, "{}").delayedBy(Duration.ofDays(30).plusSeconds(1)))
                .isInstanceOf(InvalidValueException.class).hasMessage("delaySeconds must be between 0 and 30 days");
        assertThatThrownBy(() -> NewTask.of(SHOP, EMAILS, "{}").delayedBy(Duration.ofSeconds(-1)))
                .isInstanceOf(InvalidValueException.class);
    }

    @Test
    void aTaskNeedsAPayloadAndAtMostAHundredAttempts() {
        assertThatThrownBy(() -> NewTask.of(SHOP, EMAILS, " ")).isInstanceOf(InvalidValueException.class)
                .extracting("field").isEqualTo("payload");
        assertThatThrownBy(() -> NewTask.of(SHOP, EMAILS, "{}").withMaxAttempts(101)).isInstanceOf(InvalidValueException.class)
                .hasMessage("maxAttempts must be between 1 and 100");
    }

    @Test
    void leasesRangeFromOneSecondToTwelveHours() {
        assertThat(ClaimRequest.one().leasedFor(Duration.ofHours(12)).lease()).contains(Duration.ofHours(12));
        assertThatThrownBy(() -> ClaimRequest.one().leasedFor(Duration.ofMillis(999))).isInstanceOf(InvalidValueException.class)
                .hasMessage("leaseSeconds must be between 1 second and 12 hours");
        assertThatThrownBy(() -> QueueSettings.DEFAULT.withDefaultLease(Duration.ofHours(12).plusSeconds(1)))
                .isInstanceOf(InvalidValueException.class);
    }

    @Test
    void aClaimTakesOneToAHundredTasks() {
        assertThat(ClaimRequest.upTo(100).max()).isEqualTo(100);
        assertThatThrownBy(() -> ClaimRequest.upTo(0)).isInstanceOf(InvalidValueException.class).hasMessage("max must be between 1 and 100");
        assertThatThrownBy(() -> ClaimRequest.upTo(101)).isInstanceOf(InvalidValueException.class);
    }

    @Test
    void aQueueCapsItsWaitingTasksAndKeepsDeadLettersForABoundedTime() {
        assertThatThrownBy(() -> QueueSettings.DEFAULT.withMaxQueued(0)).isInstanceOf(InvalidValueException.class);
        assertThatThrownBy(() -> QueueSettings.DEFAULT.withDeadLetterRetention(Duration.ofDays(366)))
                .isInstanceOf(InvalidValueException.class);
        assertThat(QueueSettings.DEFAULT.deadLetterRetention()).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void idempotencyKeysAndLeaseTokensRefuseCharactersOutsideTheirAlphabet() {
        assertThat(IdempotencyKey.of("order:42~v1").value()).isEqualTo("order:42~v1");
        assertThatThrownBy(() -> IdempotencyKey.of("a b")).isInstanceOf(InvalidValueException.class);
        assertThatThrownBy(() -> IdempotencyKey.of("k".repeat(129))).isInstanceOf(InvalidValueException.class);
        assertThatThrownBy(() -> LeaseToken.of("a/b")).isInstanceOf(InvalidValueException.class);
    }

    @Test
    void aLeaseTokenNeverShowsItselfInLogs() {
        assertThat(LeaseToken.of("secret.1").toString()).doesNotContain("secret");
    }

    @Test
    void parsesStatesInAnyCaseAndNamesTheAllowedOnes() {
        assertThat(TaskState.parse("dead")).isEqualTo(TaskState.DEAD);
        assertThatThrownBy(() -> TaskState.parse("done")).isInstanceOf(InvalidValueException.class).extracting("field").isEqualTo("state");
    }

    @Test
    void countsHaveEveryStateAndSumTheWaitingOnes() {
        QueueCounts counts = new QueueCounts(java.util.Map.of(TaskState.QUEUED, 2L, TaskState.FAILED, 1L, TaskState.RUNNING, 5L),
                java.util.Optional.empty());

        assertThat(counts.of(TaskState.DEAD)).isZero();
        assertThat(counts.waiting()).isEqualTo(3);
    }
}
