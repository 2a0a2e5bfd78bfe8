package domain.progress;

import static org.assertj.core.api.Assertions.assertThat;

import domain.project.ProjectId;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The rules of recording a change, which every store applies through {@link Progress#apply}. */
class ProgressTest {

    private static final Instant START = Instant.parse("2026-01-01T10:00:00Z");
    private static final Instant LATER = START.plusSeconds(30);

    private static Progress running(long total, long step) {
        return new Progress(ProjectId.of("shop"), ProgressId.of("import"), total, step, ProgressStatus.RUNNING, "reading",
                START, START, 1);
    }

    private static RecordOutcome.Recorded recorded(RecordOutcome outcome) {
        assertThat(outcome).isInstanceOf(RecordOutcome.Recorded.class);
        return (RecordOutcome.Recorded) outcome;
    }

    @Test
    void startsWithAStartedEventOfSequenceOneAtStepZero() {
        assertThat(running(10, 0).startedEvent()).isEqualTo(new ProgressEvent(1, ProgressEventType.STARTED, 0, "reading", START));
    }

    @Test
    void advancesByTheIncrementButNeverPastTheTotal() {
        RecordOutcome.Recorded three = recorded(running(10, 0).apply(new ProgressChange.Step(3, "3 rows"), LATER));
        RecordOutcome.Recorded over = recorded(three.progress().apply(new ProgressChange.Step(50, "many"), LATER));

        assertThat(three.event()).isEqualTo(new ProgressEvent(2, ProgressEventType.PROGRESS, 3, "3 rows", LATER));
        assertThat(three.progress()).isEqualTo(new Progress(ProjectId.of("shop"), ProgressId.of("import"), 10, 3,
                ProgressStatus.RUNNING, "3 rows", START, LATER, 2));
        assertThat(over.progress().currentStep()).isEqualTo(10);
        assertThat(over.event().sequence()).isEqualTo(3);
    }

    @Test
    void completesAtTheTotalFailsAndNotesWhereTheStepIs() {
        assertThat(recorded(running(10, 4).apply(new ProgressChange.Complete("done"), LATER)).progress())
                .extracting(Progress::currentStep, Progress::status).containsExactly(10L, ProgressStatus.COMPLETED);
        assertThat(recorded(running(10, 4).apply(new ProgressChange.Fail("disk full"), LATER)).progress())
                .extracting(Progress::currentStep, Progress::status).containsExactly(4L, ProgressStatus.FAILED);
        assertThat(recorded(running(10, 4).apply(new ProgressChange.Note("retrying"), LATER)).event())
                .extracting(ProgressEvent::type, ProgressEvent::step).containsExactly(ProgressEventType.PROGRESS, 4L);
    }

    @Test
    void refusesEveryChangeOnceEnded() {
        Progress ended = recorded(running(10, 4).apply(new ProgressChange.Fail("disk full"), LATER)).progress();

        assertThat(ended.apply(new ProgressChange.Step(1, "more"), LATER.plusSeconds(1)))
                .isEqualTo(new RecordOutcome.AlreadyEnded(ended));
    }

    @Test
    void stallsOnlyWhatWasSilentSinceTheGivenMoment() {
        Progress progress = running(10, 0);

        assertThat(progress.apply(new ProgressChange.Stall("silent", START.minus(Duration.ofMillis(1))), LATER))
                .isEqualTo(new RecordOutcome.StillActive(progress));
        assertThat(recorded(progress.apply(new ProgressChange.Stall("silent", START), LATER)).progress().status())
                .isEqualTo(ProgressStatus.STALLED);
    }
}
