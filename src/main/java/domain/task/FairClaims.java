package domain.task;

import domain.project.ProjectId;
import io.smallrye.mutiny.Uni;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;

/**
 * Fairness between projects for a worker that claims one queue name across several projects:
 * each claim starts at the next project in turn, and takes its tasks round-robin over the projects
 * that still have work, in even shares, so one project's backlog never starves another's.
 *
 * <p>Every project's own claim stays one atomic store call on that project's keys (one hash slot on
 * Redis Cluster); the rotation lives in the instance, which is all fairness needs.
 */
public final class FairClaims {

    private final AtomicLong turn = new AtomicLong();

    /**
     * Claims up to {@code request.max()} tasks across {@code projects} with {@code claimOne}, which
     * claims from one project's queue.
     */
    public Uni<ClaimBatch> claim(List<ProjectId> projects, ClaimRequest request,
            BiFunction<ProjectId, ClaimRequest, Uni<ClaimBatch>> claimOne) {
        List<ProjectId> distinct = new ArrayList<>(new LinkedHashSet<>(projects));
        if (distinct.isEmpty()) {
            return Uni.createFrom().item(ClaimBatch.empty(Optional.empty()));
        }
        int start = (int) Math.floorMod(turn.getAndIncrement(), (long) distinct.size());
        List<ProjectId> order = new ArrayList<>(distinct.subList(start, distinct.size()));
        order.addAll(distinct.subList(0, start));
        return new Rounds(request, claimOne).run(order);
    }

    /** One claim's progress through its rounds. */
    private static final class Rounds {
        private final ClaimRequest request;
        private final BiFunction<ProjectId, ClaimRequest, Uni<ClaimBatch>> claimOne;
        private final List<Task> claimed = new ArrayList<>();
        private Optional<Instant> nextDue = Optional.empty();

        Rounds(ClaimRequest request, BiFunction<ProjectId, ClaimRequest, Uni<ClaimBatch>> claimOne) {
            this.request = request;
            this.claimOne = claimOne;
        }

        Uni<ClaimBatch> run(List<ProjectId> active) {
            int remaining = request.max() - claimed.size();
            if (remaining == 0 || active.isEmpty()) {
                return Uni.createFrom().item(new ClaimBatch(claimed, claimed.isEmpty() ? nextDue : Optional.empty()));
            }
            int share = Math.max(1, remaining / active.size());
            return round(active, 0, share, new ArrayList<>()).chain(this::run);
        }

        /** Claims a share from each active project in turn; answers those that may have more. */
        private Uni<List<ProjectId>> round(List<ProjectId> active, int index, int share, List<ProjectId> stillActive) {
            int remaining = request.max() - claimed.size();
            if (index == active.size() || remaining == 0) {
                if (index < active.size()) {
                    stillActive.addAll(active.subList(index, active.size()));
                }
                return Uni.createFrom().item(stillActive);
            }
            ProjectId project = active.get(index);
            int asked = Math.min(share, remaining);
            return claimOne.apply(project, new ClaimRequest(asked, request.lease())).chain(batch -> {
                claimed.addAll(batch.tasks());
                batch.nextDueAt().ifPresent(at -> nextDue = nextDue.filter(n -> n.isBefore(at)).or(() -> Optional.of(at)));
                if (batch.tasks().size() == asked) {
                    stillActive.add(project);
                }
                return round(active, index + 1, share, stillActive);
            });
        }
    }
}
