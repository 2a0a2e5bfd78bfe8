package domain.task;

import domain.project.ProjectId;

/** Where a task lives: its project, its queue and its id. Every operation on one task names all three. */
public record TaskRef(ProjectId project, QueueName queue, TaskId id) {

    public static TaskRef of(ProjectId project, QueueName queue, TaskId id) {
        return new TaskRef(project, queue, id);
    }
}
