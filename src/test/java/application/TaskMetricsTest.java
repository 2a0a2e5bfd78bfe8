package application;

import static org.assertj.core.api.Assertions.assertThat;

import domain.project.ProjectId;
import domain.task.QueueCounts;
import domain.task.QueueName;
import domain.task.TaskState;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TaskMetricsTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final TaskMetrics metrics = new TaskMetrics(meters, 2);
    private final Instant now = Instant.parse("2026-12-01T10:00:00Z");

    @Test
    void givesSeriesOfTheirOwnToTheFirstQueuesOnlyAndCountsTheRestAsOther() {
        for (int i = 0; i < 50; i++) {
            metrics.enqueued(ProjectId.of("p" + i), QueueName.of("q"), 1, now);
        }

        assertThat(meters.find("tasks.enqueued").counters()).hasSize(3);
        assertThat(meters.get("tasks.enqueued").tags("project", "p0", "queue", "q").counter().count()).isEqualTo(1);
        assertThat(meters.get("tasks.enqueued").tags("project", TaskMetrics.OTHER, "queue", TaskMetrics.OTHER).counter().count())
                .isEqualTo(48);
        assertThat(meters.find("tasks.queue.depth").gauges()).hasSize(2);
    }

    @Test
    void givesUpTheSeriesOfAQueueSilentForTenMinutesSoThatAnotherTakesItsPlace() {
        metrics.enqueued(ProjectId.of("a"), QueueName.of("q"), 1, now);
        metrics.enqueued(ProjectId.of("b"), QueueName.of("q"), 1, now.plus(Duration.ofMinutes(8)));

        assertThat(metrics.recent(now.plus(Duration.ofMinutes(11)))).extracting(Map.Entry::getKey).containsExactly(ProjectId.of("b"));
        metrics.enqueued(ProjectId.of("c"), QueueName.of("q"), 1, now.plus(Duration.ofMinutes(11)));

        assertThat(meters.find("tasks.enqueued").tag("project", "a").counters()).isEmpty();
        assertThat(meters.get("tasks.enqueued").tags("project", "c").counter().count()).isEqualTo(1);
    }

    @Test
    void showsTheDepthAndOldestAgeLastRead() {
        metrics.counted(ProjectId.of("a"), QueueName.of("q"),
                new QueueCounts(Map.of(TaskState.QUEUED, 3L, TaskState.SCHEDULED, 2L, TaskState.RUNNING, 7L), Optional.of(Duration.ofMillis(2500))),
                now);

        assertThat(meters.get("tasks.queue.depth").tags("project", "a").gauge().value()).isEqualTo(5);
        assertThat(meters.get("tasks.queue.oldest.age").tags("project", "a").gauge().value()).isEqualTo(2.5);
    }
}
