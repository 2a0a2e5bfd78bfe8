package domain.task;

import static org.assertj.core.api.Assertions.assertThat;

import domain.project.ProjectId;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Round-robin claims across projects, against queues that are plain lists. */
class FairClaimsTest {

    private static final ProjectId A = ProjectId.of("a");
    private static final ProjectId B = ProjectId.of("b");
    private static final ProjectId C = ProjectId.of("c");
    private static final Instant NOON = Instant.parse("2030-01-01T12:00:00Z");

    private final FairClaims fair = new FairClaims();
    private final Map<ProjectId, Deque<Task>> queues = new HashMap<>();
    private final Map<ProjectId, Instant> nextDue = new HashMap<>();
    private final List<ProjectId> asked = new ArrayList<>();

    private void holds(ProjectId project, int count) {
        Deque<Task> queue = queues.computeIfAbsent(project, p -> new ArrayDeque<>());
        for (int i = 0; i < count; i++) {
            queue.add(Task.enqueue(NewTask.of(project, QueueName.of("q"), "{}"), TaskId.generate(NOON), i + 1, QueueSettings.DEFAULT, NOON));
        }
    }

    private Uni<ClaimBatch> claimOne(ProjectId project, ClaimRequest request) {
        asked.add(project);
        Deque<Task> queue = queues.getOrDefault(project, new ArrayDeque<>());
        List<Task> taken = new ArrayList<>();
        while (taken.size() < request.max() && !queue.isEmpty()) {
            taken.add(queue.poll());
        }
        return Uni.createFrom().item(new ClaimBatch(taken, taken.isEmpty() ? Optional.ofNullable(nextDue.get(project)) : Optional.empty()));
    }

    private List<ProjectId> claim(int max, ProjectId... projects) {
        return fair.claim(List.of(projects), ClaimRequest.upTo(max), this::claimOne).await().atMost(Duration.ofSeconds(5)).tasks().stream()
                .map(Task::project).toList();
    }

    @Test
    void singleClaimsTakeTurnsBetweenProjects() {
        holds(A, 100);
        holds(B, 100);

        List<ProjectId> got = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            got.addAll(claim(1, A, B));
        }

        assertThat(got).containsExactly(A, B, A, B);
    }

    @Test
    void aClaimMovesOnPastProjectsWithoutWork() {
        holds(B, 1);

        assertThat(claim(1, A, C, B)).containsExactly(B);
    }

    @Test
    void aLargeClaimSharesEvenlyAndGivesWhatIsLeftToProjectsThatStillHaveWork() {
        holds(A, 100);
        holds(B, 2);
        holds(C, 100);

        List<ProjectId> got = claim(10, A, B, C);

        assertThat(got).hasSize(10);
        assertThat(got.stream().filter(B::equals).count()).isEqualTo(2);
        assertThat(got.stream().filter(A::equals).count()).isEqualTo(4);
        assertThat(got.stream().filter(C::equals).count()).isEqualTo(4);
    }

    @Test
    void anEmptyClaimAnswersTheEarliestMomentAnyProjectHasWorkDue() {
        nextDue.put(A, NOON.plus(Duration.ofMinutes(5)));
        nextDue.put(B, NOON.plus(Duration.ofMinutes(1)));

        ClaimBatch batch = fair.claim(List.of(A, B, C), ClaimRequest.upTo(3), this::claimOne).await().atMost(Duration.ofSeconds(5));

        assertThat(batch.tasks()).isEmpty();
        assertThat(batch.nextDueAt()).contains(NOON.plus(Duration.ofMinutes(1)));
    }

    @Test
    void aProjectNamedTwiceIsAskedOnce() {
        claim(1, A, A);

        assertThat(asked).containsExactly(A);
    }
}
