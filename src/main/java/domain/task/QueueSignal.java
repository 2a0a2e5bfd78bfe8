package domain.task;

import domain.project.ProjectId;

/** A task became claimable in the queue of the project: a long-polling claimer should try again. */
public record QueueSignal(ProjectId project, QueueName queue) {
}
