package infrastructure.rest;

import application.TaskService;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.annotation.JsonRawValue;
import domain.access.Principal;
import domain.access.Scope;
import domain.project.ProjectId;
import domain.task.ClaimBatch;
import domain.task.ClaimRequest;
import domain.task.EnqueueOutcome;
import domain.task.IdempotencyKey;
import domain.task.Lease;
import domain.task.LeaseToken;
import domain.task.NewTask;
import domain.task.Priority;
import domain.task.QueueName;
import domain.task.QueueSettings;
import domain.task.RetryPolicy;
import domain.task.Task;
import domain.task.TaskId;
import domain.task.TaskLimits;
import domain.task.TaskPage;
import domain.task.TaskRef;
import domain.task.TaskState;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The task queue over HTTP: {@code /v1/projects/{projectId}/queues/{queue}}, its tasks, claims,
 * dead letters and settings. A root of its own, so that the cache's {@code /v1/projects/{projectId}}
 * root does not take its paths. The claim across a key's projects is {@link TaskClaimResource}.
 */
@Path("/v1/projects/{projectId}/queues")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "tasks", description = "Background tasks: enqueue, claim with leases, heartbeat, complete, fail, dead letters")
public class TaskResource {

    /** A task list's position: a sequence this service wrote. */
    static final Pattern CURSOR = Pattern.compile("[0-9]{1,18}");
    /** The most ids one redrive may name. */
    static final int MAX_REDRIVE_IDS = 1000;

    private final TaskService tasks;
    private final Caller caller;
    private final Clock clock;

    public TaskResource(TaskService tasks, Caller caller, Clock clock) {
        this.tasks = tasks;
        this.caller = caller;
        this.clock = clock;
    }

    // --- bodies

    /** A task to enqueue: {@code payload} is any JSON value; {@code delaySeconds} or {@code runAt}, not both. */
    @RegisterForReflection
    public record EnqueueRequest(JsonValue payload, Long delaySeconds, String runAt, Integer priority, Integer maxAttempts,
            String idempotencyKey, ProgressRequest progress) {
    }

    /** Asks for a progress operation of {@code totalSteps} steps that follows the task. */
    @RegisterForReflection
    public record ProgressRequest(Long totalSteps) {
    }

    /** 1 to 100 tasks to enqueue in one request. */
    @RegisterForReflection
    public record BatchRequest(List<EnqueueRequest> tasks) {
    }

    /** A claim: {@code max} 1 to 100 (default 1), {@code waitSeconds} 0 to 20 (default 0), {@code leaseSeconds} 1 to 43200. */
    @RegisterForReflection
    public record ClaimBody(Integer max, Integer waitSeconds, Integer leaseSeconds) {
    }

    /** A heartbeat, with an optional extension (else the queue's default lease) and a progress step. */
    @RegisterForReflection
    public record HeartbeatRequest(String leaseToken, Integer extendSeconds, StepRequest progress) {
    }

    /** A step of the task's progress: {@code increment} defaults to 1. */
    @RegisterForReflection
    public record StepRequest(String message, Long increment) {
    }

    /** A completion; {@code result} is any JSON value. */
    @RegisterForReflection
    public record CompleteRequest(String leaseToken, JsonValue result, ClaimBody next) {
    }

    /** A failed attempt; {@code retryable} defaults to true. */
    @RegisterForReflection
    public record FailRequest(String leaseToken, String error, Boolean retryable) {
    }

    /** The dead letters to redrive; all of them when {@code ids} is absent. */
    @RegisterForReflection
    public record RedriveRequest(List<String> ids) {
    }

    /** A queue's settings; an absent field takes the deployment's default. */
    @RegisterForReflection
    public record QueueSettingsRequest(Integer maxAttempts, Long backoffMinSeconds, Long backoffMaxSeconds, Integer defaultLeaseSeconds,
            Long maxQueued, Long deadLetterRetentionSeconds) {
    }

    // --- answers

    /** A task as producers and readers see it; the lease token is never shown here, only to the claimant. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @RegisterForReflection
    public record TaskView(String id, String project, String queue, String state, @Schema(ref = "JsonValue") @JsonRawValue String payload, int attempt,
            int maxAttempts, int priority, Instant runAt, Instant leaseExpiresAt, Boolean cancelRequested, String idempotencyKey,
            String progressId, @Schema(ref = "JsonValue") @JsonRawValue String result, String lastError, Instant createdAt, Instant updatedAt,
            Instant finishedAt) {

        /** Ada's welcome email as enqueued: with a priority, an idempotency key and a progress operation. */
        static final String QUEUED = "{\"id\": \"tk_0mx4izwlyQm1n4xYz7AbCdEfG\", \"project\": \"shop\", \"queue\": \"emails\", "
                + "\"state\": \"QUEUED\", \"payload\": {\"to\": \"ada@example.com\"}, \"attempt\": 0, \"maxAttempts\": 5, "
                + "\"priority\": 5, \"runAt\": \"2026-12-01T10:00:00.214Z\", \"idempotencyKey\": \"welcome-ada\", "
                + "\"progressId\": \"task-Zx81mQp4Lr0aVc7TbN2yWe\", \"createdAt\": \"2026-12-01T10:00:00.214Z\", "
                + "\"updatedAt\": \"2026-12-01T10:00:00.214Z\"}";
        /** Grace's email, enqueued a millisecond later with the defaults: no key, no progress. */
        static final String QUEUED_PLAIN = "{\"id\": \"tk_0mx4izwlzHt5pL2sWq9KcVb0N\", \"project\": \"shop\", "
                + "\"queue\": \"emails\", \"state\": \"QUEUED\", \"payload\": {\"to\": \"grace@example.com\"}, \"attempt\": 0, "
                + "\"maxAttempts\": 5, \"priority\": 0, \"runAt\": \"2026-12-01T10:00:00.215Z\", "
                + "\"createdAt\": \"2026-12-01T10:00:00.215Z\", \"updatedAt\": \"2026-12-01T10:00:00.215Z\"}";
        /** Ada's email, claimed and heartbeaten with extendSeconds 60: the lease shows only while it runs. */
        static final String RUNNING = "{\"id\": \"tk_0mx4izwlyQm1n4xYz7AbCdEfG\", \"project\": \"shop\", \"queue\": \"emails\", "
                + "\"state\": \"RUNNING\", \"payload\": {\"to\": \"ada@example.com\"}, \"attempt\": 1, \"maxAttempts\": 5, "
                + "\"priority\": 5, \"runAt\": \"2026-12-01T10:00:00.214Z\", \"leaseExpiresAt\": \"2026-12-01T10:01:03.870Z\", "
                + "\"idempotencyKey\": \"welcome-ada\", \"progressId\": \"task-Zx81mQp4Lr0aVc7TbN2yWe\", "
                + "\"createdAt\": \"2026-12-01T10:00:00.214Z\", \"updatedAt\": \"2026-12-01T10:00:03.870Z\"}";
        /** Ada's email while running, once cancelled: its worker learns it on its next call. */
        static final String CANCEL_REQUESTED = "{\"id\": \"tk_0mx4izwlyQm1n4xYz7AbCdEfG\", \"project\": \"shop\", "
                + "\"queue\": \"emails\", \"state\": \"RUNNING\", \"payload\": {\"to\": \"ada@example.com\"}, \"attempt\": 1, "
                + "\"maxAttempts\": 5, \"priority\": 5, \"runAt\": \"2026-12-01T10:00:00.214Z\", "
                + "\"leaseExpiresAt\": \"2026-12-01T10:01:03.870Z\", \"cancelRequested\": true, \"idempotencyKey\": \"welcome-ada\", "
                + "\"progressId\": \"task-Zx81mQp4Lr0aVc7TbN2yWe\", \"createdAt\": \"2026-12-01T10:00:00.214Z\", "
                + "\"updatedAt\": \"2026-12-01T10:00:04.018Z\"}";
        /** Grace's email, cancelled while it waited. */
        static final String CANCELLED = "{\"id\": \"tk_0mx4izwlzHt5pL2sWq9KcVb0N\", \"project\": \"shop\", \"queue\": \"emails\", "
                + "\"state\": \"CANCELLED\", \"payload\": {\"to\": \"grace@example.com\"}, \"attempt\": 0, \"maxAttempts\": 5, "
                + "\"priority\": 0, \"runAt\": \"2026-12-01T10:00:00.215Z\", \"createdAt\": \"2026-12-01T10:00:00.215Z\", "
                + "\"updatedAt\": \"2026-12-01T10:00:02.733Z\", \"finishedAt\": \"2026-12-01T10:00:02.733Z\"}";
        /** The fields of Ada's email once it succeeded, without the braces: a completion adds next to them. */
        static final String SUCCEEDED_FIELDS = "\"id\": \"tk_0mx4izwlyQm1n4xYz7AbCdEfG\", \"project\": \"shop\", "
                + "\"queue\": \"emails\", \"state\": \"SUCCEEDED\", \"payload\": {\"to\": \"ada@example.com\"}, \"attempt\": 1, "
                + "\"maxAttempts\": 5, \"priority\": 5, \"runAt\": \"2026-12-01T10:00:00.214Z\", \"idempotencyKey\": \"welcome-ada\", "
                + "\"progressId\": \"task-Zx81mQp4Lr0aVc7TbN2yWe\", \"result\": {\"messageId\": \"m-42\"}, "
                + "\"createdAt\": \"2026-12-01T10:00:00.214Z\", \"updatedAt\": \"2026-12-01T10:00:05.122Z\", "
                + "\"finishedAt\": \"2026-12-01T10:00:05.122Z\"";
        /** Ada's email after a retryable failure: FAILED until runAt, the queue's first backoff (1 s) later. */
        static final String FAILED = "{\"id\": \"tk_0mx4izwlyQm1n4xYz7AbCdEfG\", \"project\": \"shop\", \"queue\": \"emails\", "
                + "\"state\": \"FAILED\", \"payload\": {\"to\": \"ada@example.com\"}, \"attempt\": 1, \"maxAttempts\": 5, "
                + "\"priority\": 5, \"runAt\": \"2026-12-01T10:00:06.481Z\", \"idempotencyKey\": \"welcome-ada\", "
                + "\"progressId\": \"task-Zx81mQp4Lr0aVc7TbN2yWe\", \"lastError\": \"SMTP 451: try again later\", "
                + "\"createdAt\": \"2026-12-01T10:00:00.214Z\", \"updatedAt\": \"2026-12-01T10:00:05.481Z\"}";
        /** A dead letter: its last attempt failed too. */
        static final String DEAD = "{\"id\": \"tk_0mx4iyciyA0bC1dE2fG3hI4jK\", \"project\": \"shop\", \"queue\": \"emails\", "
                + "\"state\": \"DEAD\", \"payload\": {\"to\": \"alan@example.org\"}, \"attempt\": 5, \"maxAttempts\": 5, "
                + "\"priority\": 0, \"runAt\": \"2026-12-01T10:14:51.006Z\", \"lastError\": \"SMTP 550: mailbox unavailable\", "
                + "\"createdAt\": \"2026-12-01T09:58:47.530Z\", \"updatedAt\": \"2026-12-01T10:14:52.311Z\", "
                + "\"finishedAt\": \"2026-12-01T10:14:52.311Z\"}";
        static final String SUCCEEDED = "{" + SUCCEEDED_FIELDS + "}";

        static TaskView from(Task t) {
            return new TaskView(t.id().value(), t.project().value(), t.queue().value(), t.state().name(), t.payload(), t.attempt(),
                    t.maxAttempts(), t.priority().value(), t.runAt(),
                    t.state() == TaskState.RUNNING ? t.lease().map(Lease::expiresAt).orElse(null) : null,
                    t.cancelRequested() ? Boolean.TRUE : null, t.idempotencyKey().map(IdempotencyKey::value).orElse(null),
                    t.progressId().map(p -> p.value()).orElse(null), t.result().orElse(null), t.lastError().orElse(null),
                    t.createdAt(), t.updatedAt(), t.finishedAt().orElse(null));
        }
    }

    /** A task as its claimant receives it, with the lease token that lets it heartbeat, complete or fail it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @RegisterForReflection
    public record ClaimedTask(String id, String project, String queue, @Schema(ref = "JsonValue") @JsonRawValue String payload, int attempt, int maxAttempts,
            int priority, String leaseToken, Instant leaseExpiresAt, String progressId) {

        /** Ada's email, leased for 60 s: the lease token is shown to its claimant only. */
        static final String ADA = "{\"id\": \"tk_0mx4izwlyQm1n4xYz7AbCdEfG\", \"project\": \"shop\", \"queue\": \"emails\", "
                + "\"payload\": {\"to\": \"ada@example.com\"}, \"attempt\": 1, \"maxAttempts\": 5, \"priority\": 5, "
                + "\"leaseToken\": \"Qm9vA1b2c3d4e5f6.1\", \"leaseExpiresAt\": \"2026-12-01T10:01:01.350Z\", "
                + "\"progressId\": \"task-Zx81mQp4Lr0aVc7TbN2yWe\"}";
        /** Grace's email, leased for the queue's default 30 s as the next task of a completion. */
        static final String GRACE = "{\"id\": \"tk_0mx4izwlzHt5pL2sWq9KcVb0N\", \"project\": \"shop\", \"queue\": \"emails\", "
                + "\"payload\": {\"to\": \"grace@example.com\"}, \"attempt\": 1, \"maxAttempts\": 5, \"priority\": 0, "
                + "\"leaseToken\": \"Xw2rT8bQ0nKf5LzC.1\", \"leaseExpiresAt\": \"2026-12-01T10:00:35.122Z\"}";
        /** A task of the project blog, from the same queue name, as a claim across projects leases it. */
        static final String BLOG = "{\"id\": \"tk_0mx4izwlzPq3Rs5Tu7Vw9Xy1Z\", \"project\": \"blog\", \"queue\": \"emails\", "
                + "\"payload\": {\"to\": \"edsger@example.net\"}, \"attempt\": 1, \"maxAttempts\": 5, \"priority\": 0, "
                + "\"leaseToken\": \"Jd7nP3sV9wB1qX5k.1\", \"leaseExpiresAt\": \"2026-12-01T10:01:01.351Z\"}";

        static ClaimedTask from(Task t) {
            Lease lease = t.lease().orElseThrow();
            return new ClaimedTask(t.id().value(), t.project().value(), t.queue().value(), t.payload(), t.attempt(), t.maxAttempts(),
                    t.priority().value(), lease.token().value(), lease.expiresAt(), t.progressId().map(p -> p.value()).orElse(null));
        }
    }

    /** A completed task, with the tasks its worker leased next when it asked for them ({@code next}). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @RegisterForReflection
    public record Completion(@JsonUnwrapped TaskView task, Claimed next) {

        static final String NEXT = "{" + TaskView.SUCCEEDED_FIELDS + ", \"next\": " + Claimed.NEXT + "}";
    }

    /** The tasks one claim leased; empty when none came within the wait. */
    @RegisterForReflection
    public record Claimed(List<ClaimedTask> tasks) {

        static final String EXAMPLE = "{\"tasks\": [" + ClaimedTask.ADA + "]}";
        static final String NONE = "{\"tasks\": []}";
        static final String NEXT = "{\"tasks\": [" + ClaimedTask.GRACE + "]}";
        /** Round-robin over the projects with work: one task of each. */
        static final String ACROSS = "{\"tasks\": [" + ClaimedTask.BLOG + ", " + ClaimedTask.ADA + "]}";

        static Claimed from(ClaimBatch batch) {
            return new Claimed(batch.tasks().stream().map(ClaimedTask::from).toList());
        }
    }

    /** One task of a batch: {@code enqueued}, {@code repeated} (its idempotency key named it) or {@code queue-full}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @RegisterForReflection
    public record BatchItem(String outcome, TaskView task, String detail) {

        static BatchItem from(EnqueueOutcome outcome) {
            if (outcome instanceof EnqueueOutcome.Enqueued e) {
                return new BatchItem("enqueued", TaskView.from(e.task()), null);
            }
            if (outcome instanceof EnqueueOutcome.Repeated r) {
                return new BatchItem("repeated", TaskView.from(r.task()), null);
            }
            return new BatchItem("queue-full", null, "the queue holds " + ((EnqueueOutcome.QueueFull) outcome).maxQueued()
                    + " waiting tasks, the most it may; this task was not enqueued");
        }
    }

    /** The outcome of a batch, one item per task in the order sent. */
    @RegisterForReflection
    public record BatchAnswer(List<BatchItem> items) {

        /** Two reports: the first due now, the second in 60 s (SCHEDULED until then). */
        static final String ENQUEUED = "{\"items\": [{\"outcome\": \"enqueued\", \"task\": {\"id\": \"tk_0mx4izwquR8vT1cX3bN6mJ0aQ\", "
                + "\"project\": \"shop\", \"queue\": \"reports\", \"state\": \"QUEUED\", \"payload\": {\"n\": 1}, \"attempt\": 0, "
                + "\"maxAttempts\": 5, \"priority\": 0, \"runAt\": \"2026-12-01T10:00:00.390Z\", "
                + "\"createdAt\": \"2026-12-01T10:00:00.390Z\", \"updatedAt\": \"2026-12-01T10:00:00.390Z\"}}, "
                + "{\"outcome\": \"enqueued\", \"task\": {\"id\": \"tk_0mx4izwquF2kW7dY5hL9sP3eU\", \"project\": \"shop\", "
                + "\"queue\": \"reports\", \"state\": \"SCHEDULED\", \"payload\": {\"n\": 2}, \"attempt\": 0, \"maxAttempts\": 5, "
                + "\"priority\": 0, \"runAt\": \"2026-12-01T10:01:00.390Z\", \"createdAt\": \"2026-12-01T10:00:00.390Z\", "
                + "\"updatedAt\": \"2026-12-01T10:00:00.390Z\"}}]}";
        /** The queue filled up after the first task: the second was not enqueued. */
        static final String PARTLY = "{\"items\": [{\"outcome\": \"enqueued\", \"task\": {\"id\": \"tk_0mx4izwquR8vT1cX3bN6mJ0aQ\", "
                + "\"project\": \"shop\", \"queue\": \"reports\", \"state\": \"QUEUED\", \"payload\": {\"n\": 1}, \"attempt\": 0, "
                + "\"maxAttempts\": 5, \"priority\": 0, \"runAt\": \"2026-12-01T10:00:00.390Z\", "
                + "\"createdAt\": \"2026-12-01T10:00:00.390Z\", \"updatedAt\": \"2026-12-01T10:00:00.390Z\"}}, "
                + "{\"outcome\": \"queue-full\", \"detail\": \"the queue holds 100000 waiting tasks, the most it may; this task was "
                + "not enqueued\"}]}";
        static final String REPEATED = "{\"items\": [{\"outcome\": \"repeated\", \"task\": " + TaskView.QUEUED + "}]}";
    }

    /** One page of tasks; {@code nextCursor} is null on the last page. */
    @RegisterForReflection
    public record TaskListing(List<TaskView> items, String nextCursor) {

        /** A page of two that is not the last (limit=2): its cursor is the one this service writes after sequence 118. */
        static final String QUEUED = "{\"items\": [" + TaskView.QUEUED + ", " + TaskView.QUEUED_PLAIN + "], "
                + "\"nextCursor\": \"dGFza3M6MTE4\"}";
        /** The last page of dead letters. */
        static final String DEAD = "{\"items\": [" + TaskView.DEAD + "], \"nextCursor\": null}";

        static TaskListing from(TaskPage page) {
            return from(page, Paging.Listing.TASKS);
        }

        static TaskListing from(TaskPage page, Paging.Listing listing) {
            return new TaskListing(page.items().stream().map(TaskView::from).toList(),
                    page.next().map(next -> Paging.cursor(listing, String.valueOf(next))).orElse(null));
        }
    }

    /** A queue's settings; backoff in seconds (fractions for millisecond delays). */
    @RegisterForReflection
    public record SettingsView(int maxAttempts, double backoffMinSeconds, double backoffMaxSeconds, long defaultLeaseSeconds,
            long maxQueued, long deadLetterRetentionSeconds) {

        /** The deployment's defaults. */
        static final String DEFAULTS = "{\"maxAttempts\": 5, \"backoffMinSeconds\": 1.0, \"backoffMaxSeconds\": 3600.0, "
                + "\"defaultLeaseSeconds\": 30, \"maxQueued\": 100000, \"deadLetterRetentionSeconds\": 604800}";
        /** As the settings example sets them: the dead-letter retention, absent there, is the deployment's. */
        static final String SAVED = "{\"maxAttempts\": 8, \"backoffMinSeconds\": 2.0, \"backoffMaxSeconds\": 600.0, "
                + "\"defaultLeaseSeconds\": 120, \"maxQueued\": 50000, \"deadLetterRetentionSeconds\": 604800}";

        static SettingsView from(QueueSettings s) {
            return new SettingsView(s.retry().maxAttempts(), s.retry().minDelay().toMillis() / 1000.0,
                    s.retry().maxDelay().toMillis() / 1000.0, s.defaultLease().toSeconds(), s.maxQueued(),
                    s.deadLetterRetention().toSeconds());
        }
    }

    /** A queue: its tasks by state, how long its oldest queued task has been claimable (null when none), its settings. */
    // Its counts' keys are an enum of the domain, which Jackson reads by reflection too (its constants' names).
    @RegisterForReflection(targets = {QueueView.class, TaskState.class})
    public record QueueView(String project, String queue, Map<TaskState, Long> counts,
            @Schema(type = SchemaType.NUMBER, format = "double", nullable = true, description = "null when no task is queued")
            Double oldestQueuedAgeSeconds,
            SettingsView settings) {

        static final String EXAMPLE = "{\"project\": \"shop\", \"queue\": \"emails\", \"counts\": {\"QUEUED\": 12, "
                + "\"SCHEDULED\": 0, \"RUNNING\": 3, \"SUCCEEDED\": 140, \"FAILED\": 1, \"DEAD\": 0, \"CANCELLED\": 0}, "
                + "\"oldestQueuedAgeSeconds\": 2.5, \"settings\": " + SettingsView.DEFAULTS + "}";
        static final String IDLE = "{\"project\": \"shop\", \"queue\": \"emails\", \"counts\": {\"QUEUED\": 0, "
                + "\"SCHEDULED\": 0, \"RUNNING\": 0, \"SUCCEEDED\": 155, \"FAILED\": 0, \"DEAD\": 1, \"CANCELLED\": 0}, "
                + "\"oldestQueuedAgeSeconds\": null, \"settings\": " + SettingsView.DEFAULTS + "}";
    }

    /** How many dead letters went back to the queue. */
    @RegisterForReflection
    public record Redriven(long redriven) {

        static final String EXAMPLE = "{\"redriven\": 1}";
    }

    // --- producers

    @POST
    @Path("{queue}/tasks")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Enqueue a task",
            description = "Stores a task with any JSON payload (at most 256 KiB by default; 413 over it). delaySeconds (0 to "
                    + "2592000) or runAt (an ISO-8601 instant, not in the past, at most 30 days ahead), not both; priority -10 "
                    + "to 10 (higher first, default 0); maxAttempts 1 to 100 (default the queue's); idempotencyKey: the same key "
                    + "within 24 h answers 200 with the task it made first. With progress, the task gets a progress operation "
                    + "(progressId) to follow over SSE. 429 (queue-full) when the queue holds its maximum of waiting tasks.")
    @RequestBody(content = @Content(examples = @ExampleObject(name = "email", value = "{\"payload\": {\"to\": \"ada@example.com\"}, "
            + "\"priority\": 5, \"idempotencyKey\": \"welcome-ada\", \"progress\": {\"totalSteps\": 3}}")))
    @APIResponse(responseCode = "201", description = "Enqueued", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = TaskView.class), examples = @ExampleObject(name = "task", value = TaskView.QUEUED)))
    @APIResponse(responseCode = "200", description = "An idempotent repeat: the task its key made first, unchanged",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = TaskView.class), examples = @ExampleObject(name = "task", value = TaskView.QUEUED)))
    @APIResponse(responseCode = "400", description = "A field breaks a rule; each violation names it")
    @APIResponse(responseCode = "413", description = "The payload is larger than the limit")
    @APIResponse(responseCode = "429", description = "The queue is full (problem type queue-full, with Retry-After)")
    @Requires(Scope.TASKS)
    public Uni<Response> enqueue(@PathParam("projectId") String projectId, @PathParam("queue") String queue, EnqueueRequest body) {
        return enqueue(caller.principal(), projectId, queue, body, Response::created);
    }

    /**
     * {@link #enqueue(String, String, EnqueueRequest)} for {@code principal}, authenticated and counted by the caller;
     * {@code created} begins the 201 with the new task's path as its {@code Location} (RESTEasy makes the path absolute
     * within its request; outside one the caller does).
     */
    Uni<Response> enqueue(Principal principal, String projectId, String queue, EnqueueRequest body,
            Function<URI, Response.ResponseBuilder> created) {
        Violations violations = new Violations();
        ProjectId project = violations.check("projectId", () -> ProjectId.of(projectId));
        QueueName name = violations.check("queue", () -> QueueName.of(queue));
        Parsed parsed = parse(violations, "", body, clock.instant());
        violations.throwIfAny();
        return tasks.enqueue(principal, project, name, parsed.submission(project, name)).map(outcome -> {
            if (outcome instanceof EnqueueOutcome.Enqueued e) {
                return created.apply(URI.create("/v1/projects/" + project + "/queues/" + name + "/tasks/" + e.task().id()))
                        .entity(TaskView.from(e.task())).build();
            }
            return Response.ok(TaskView.from(((EnqueueOutcome.Repeated) outcome).task())).build();
        });
    }

    @POST
    @Path("{queue}/tasks/batch")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Enqueue 1 to 100 tasks",
            description = "Each task as in a single enqueue, in order. The answer lists each task's outcome in the same order: "
                    + "enqueued, repeated (its idempotency key named a task) or queue-full. 201 when any was enqueued, 200 when "
                    + "all were repeats, 429 when the queue took none for being full.")
    @RequestBody(content = @Content(examples = @ExampleObject(name = "two", value = "{\"tasks\": [{\"payload\": {\"n\": 1}}, "
            + "{\"payload\": {\"n\": 2}, \"delaySeconds\": 60}]}")))
    @APIResponse(responseCode = "201", description = "At least one task was enqueued",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = BatchAnswer.class), examples = {
                    @ExampleObject(name = "enqueued", value = BatchAnswer.ENQUEUED),
                    @ExampleObject(name = "one enqueued, one over the queue's maximum", value = BatchAnswer.PARTLY)}))
    @APIResponse(responseCode = "200", description = "Every task was a repeat: its idempotency key named a task",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = BatchAnswer.class),
            examples = @ExampleObject(name = "repeated", value = BatchAnswer.REPEATED)))
    @APIResponse(responseCode = "429", description = "The queue is full")
    @Requires(Scope.TASKS)
    public Uni<Response> enqueueBatch(@PathParam("projectId") String projectId, @PathParam("queue") String queue, BatchRequest body) {
        return enqueueBatch(caller.principal(), projectId, queue, body);
    }

    /** {@link #enqueueBatch(String, String, BatchRequest)} for {@code principal}, authenticated and counted by the caller. */
    Uni<Response> enqueueBatch(Principal principal, String projectId, String queue, BatchRequest body) {
        Violations violations = new Violations();
        ProjectId project = violations.check("projectId", () -> ProjectId.of(projectId));
        QueueName name = violations.check("queue", () -> QueueName.of(queue));
        List<Parsed> parsed = new ArrayList<>();
        if (body == null || body.tasks() == null || body.tasks().isEmpty() || body.tasks().size() > TaskLimits.MAX_BATCH) {
            violations.add("tasks", "tasks must list 1 to " + TaskLimits.MAX_BATCH + " tasks");
        } else {
            Instant now = clock.instant();
            for (int i = 0; i < body.tasks().size(); i++) {
                parsed.add(parse(violations, "tasks[" + i + "].", body.tasks().get(i), now));
            }
        }
        violations.throwIfAny();
        return tasks.enqueueAll(principal, project, name, parsed.stream().map(p -> p.submission(project, name)).toList())
                .map(outcomes -> {
                    boolean anyNew = outcomes.stream().anyMatch(o -> o instanceof EnqueueOutcome.Enqueued);
                    return Response.status(anyNew ? 201 : 200)
                            .entity(new BatchAnswer(outcomes.stream().map(BatchItem::from).toList())).build();
                });
    }

    /** One enqueue request's parts, checked; turned into a submission once the whole request is valid. */
    private record Parsed(JsonValue payload, Duration delay, Priority priority, Optional<Integer> maxAttempts,
            Optional<IdempotencyKey> key, Optional<Long> progressSteps) {

        TaskService.Submission submission(ProjectId project, QueueName queue) {
            return new TaskService.Submission(new NewTask(project, queue, payload.text(), delay, priority, maxAttempts, key,
                    Optional.empty()), progressSteps);
        }
    }

    private static Parsed parse(Violations violations, String at, EnqueueRequest body, Instant now) {
        if (body == null) {
            violations.add(at.isEmpty() ? "" : at.substring(0, at.length() - 1), "a task is an object with a payload");
            return null;
        }
        if (body.payload() == null) {
            violations.add(at + "payload", "payload is required: any JSON value (null included)");
        }
        Duration delay = Duration.ZERO;
        if (body.delaySeconds() != null && body.runAt() != null) {
            violations.add(at + "runAt", "give delaySeconds or runAt, not both");
        } else if (body.delaySeconds() != null) {
            delay = violations.check(at + "delaySeconds", () -> TaskLimits.delay("delaySeconds",
                    body.delaySeconds() > TaskLimits.MAX_DELAY.toSeconds() ? TaskLimits.MAX_DELAY.plusSeconds(1)
                            : Duration.ofSeconds(body.delaySeconds())));
        } else if (body.runAt() != null) {
            delay = runAt(violations, at + "runAt", body.runAt(), now);
        }
        Priority priority = body.priority() == null ? Priority.DEFAULT
                : violations.check(at + "priority", () -> Priority.of(body.priority()));
        Optional<Integer> attempts = body.maxAttempts() == null ? Optional.empty()
                : Optional.ofNullable(violations.check(at + "maxAttempts", () -> TaskLimits.attempts("maxAttempts", body.maxAttempts())));
        Optional<IdempotencyKey> key = body.idempotencyKey() == null ? Optional.empty()
                : Optional.ofNullable(violations.check(at + "idempotencyKey", () -> IdempotencyKey.of(body.idempotencyKey())));
        Optional<Long> steps = Optional.empty();
        if (body.progress() != null) {
            if (body.progress().totalSteps() == null || body.progress().totalSteps() < 1) {
                violations.add(at + "progress.totalSteps", "progress.totalSteps is required: how many steps the task has, at least 1");
            } else {
                steps = Optional.of(body.progress().totalSteps());
            }
        }
        return new Parsed(body.payload(), delay == null ? Duration.ZERO : delay, priority, attempts, key, steps);
    }

    /** The delay until {@code raw}; a moment up to a few seconds past means now, as clocks drift. */
    private static Duration runAt(Violations violations, String field, String raw, Instant now) {
        Instant at;
        try {
            at = Instant.parse(raw);
        } catch (DateTimeParseException e) {
            violations.add(field, "runAt must be an ISO-8601 instant such as 2026-12-01T10:00:00Z");
            return Duration.ZERO;
        }
        if (at.isBefore(now.minus(TaskService.RUN_AT_SKEW))) {
            violations.add(field, "runAt must not be in the past");
            return Duration.ZERO;
        }
        Duration delay = at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO;
        if (delay.compareTo(TaskLimits.MAX_DELAY) > 0) {
            violations.add(field, "runAt must be at most 30 days ahead");
            return Duration.ZERO;
        }
        return delay;
    }

    // --- workers

    @POST
    @Path("{queue}/claims")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Claim tasks",
            description = "Leases up to max (1 to 100, default 1) tasks, highest priority first and FIFO within one, for "
                    + "leaseSeconds (1 to 43200, default the queue's). Each comes with a leaseToken: heartbeat, complete or fail "
                    + "with it before leaseExpiresAt, or the task goes to the next claimer. With waitSeconds (0 to 20), waits for "
                    + "work that long when there is none (long polling), and answers an empty list if none came. 429 when the key "
                    + "holds as many waiting claims as it may.")
    @RequestBody(content = @Content(examples = @ExampleObject(name = "worker", value = "{\"max\": 10, \"waitSeconds\": 20, "
            + "\"leaseSeconds\": 60}")))
    @APIResponse(responseCode = "200", description = "The claimed tasks, maybe none",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = Claimed.class), examples = {
                    @ExampleObject(name = "claimed", value = Claimed.EXAMPLE),
                    @ExampleObject(name = "none within the wait", value = Claimed.NONE)}))
    @APIResponse(responseCode = "429", description = "Too many waiting claims")
    @Requires(Scope.TASKS)
    public Uni<Claimed> claim(@PathParam("projectId") String projectId, @PathParam("queue") String queue, ClaimBody body) {
        return claim(caller.principal(), projectId, queue, body);
    }

    /**
     * {@link #claim(String, String, ClaimBody)} for {@code principal}, authenticated and counted by the caller,
     * who cancels the subscription when its client goes away (that ends a wait).
     */
    Uni<Claimed> claim(Principal principal, String projectId, String queue, ClaimBody body) {
        Violations violations = new Violations();
        ProjectId project = violations.check("projectId", () -> ProjectId.of(projectId));
        QueueName name = violations.check("queue", () -> QueueName.of(queue));
        ClaimRequest request = claimRequest(violations, body);
        Duration wait = waitOf(violations, body, tasks.maxWait());
        violations.throwIfAny();
        return tasks.claim(principal, project, name, request, wait).map(Claimed::from);
    }

    static ClaimRequest claimRequest(Violations violations, ClaimBody body) {
        int max = body == null || body.max() == null ? 1 : body.max();
        ClaimRequest request = violations.check("max", () -> ClaimRequest.upTo(max));
        if (request != null && body != null && body.leaseSeconds() != null) {
            return violations.check("leaseSeconds", () -> request.leasedFor(Duration.ofSeconds(body.leaseSeconds())));
        }
        return request;
    }

    static Duration waitOf(Violations violations, ClaimBody body, Duration maxWait) {
        if (body == null || body.waitSeconds() == null) {
            return Duration.ZERO;
        }
        if (body.waitSeconds() < 0 || body.waitSeconds() > maxWait.toSeconds()) {
            violations.add("waitSeconds", "waitSeconds must be between 0 and " + maxWait.toSeconds());
            return Duration.ZERO;
        }
        return Duration.ofSeconds(body.waitSeconds());
    }

    @POST
    @Path("{queue}/tasks/{id}/heartbeat")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Heartbeat a running task",
            description = "Extends the lease by extendSeconds (1 to 43200, default the queue's lease) from now, and records a "
                    + "step on the task's progress operation when progress is given. 409 lease-lost when the lease is not the "
                    + "task's current one or expired; 409 task-cancelled when the task was cancelled: stop working on it.")
    @RequestBody(content = @Content(examples = @ExampleObject(name = "step", value = "{\"leaseToken\": \"Qm9vA1b2c3d4e5f6.1\", "
            + "\"extendSeconds\": 60, \"progress\": {\"message\": \"rendered the template\", \"increment\": 1}}")))
    @APIResponse(responseCode = "200", description = "The task, with its new leaseExpiresAt",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = TaskView.class),
            examples = @ExampleObject(name = "running", value = TaskView.RUNNING)))
    @APIResponse(responseCode = "404", description = "No such task in this queue of the project")
    @APIResponse(responseCode = "409", description = "The lease is lost, or the task was cancelled")
    @Requires(Scope.TASKS)
    public Uni<TaskView> heartbeat(@PathParam("projectId") String projectId, @PathParam("queue") String queue,
            @PathParam("id") String id, HeartbeatRequest body) {
        return heartbeat(caller.principal(), projectId, queue, id, body);
    }

    /** {@link #heartbeat(String, String, String, HeartbeatRequest)} for {@code principal}, authenticated and counted by the caller. */
    Uni<TaskView> heartbeat(Principal principal, String projectId, String queue, String id, HeartbeatRequest body) {
        Violations violations = new Violations();
        TaskRef ref = ref(violations, projectId, queue, id);
        LeaseToken lease = leaseOf(violations, body == null ? null : body.leaseToken());
        Optional<Duration> extend = body == null || body.extendSeconds() == null ? Optional.empty()
                : Optional.ofNullable(violations.check("extendSeconds",
                        () -> TaskLimits.lease("extendSeconds", Duration.ofSeconds(body.extendSeconds()))));
        Optional<TaskService.Step> step = Optional.empty();
        if (body != null && body.progress() != null) {
            if (body.progress().message() == null) {
                violations.add("progress.message", "progress.message is required: what the step did (it may be empty)");
            } else {
                long increment = body.progress().increment() == null ? 1 : body.progress().increment();
                if (increment < 1 || increment > 1_000_000) {
                    violations.add("progress.increment", "progress.increment must be between 1 and 1000000");
                }
                step = Optional.of(new TaskService.Step(body.progress().message(), increment));
            }
        }
        violations.throwIfAny();
        return tasks.heartbeat(principal, ref.project(), ref, lease, extend, step).map(TaskView::from);
    }

    @POST
    @Path("{queue}/tasks/{id}/complete")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Complete a running task",
            description = "Ends it as SUCCEEDED with the result (any JSON value, optional); its status is kept 24 h. A repeat "
                    + "with the same lease answers the same. Its progress operation completes. 409 lease-lost for a stale "
                    + "lease (nothing changes), task-cancelled for a cancelled task. With next ({\"max\": 1..100, "
                    + "\"leaseSeconds\"?}), the same step leases the queue's next due tasks as a claim without a wait does, "
                    + "and answers them in next.tasks (maybe none): a worker's loop takes one request per task. A request "
                    + "with next is not repeated safely: each one leases other tasks.")
    @RequestBody(content = @Content(examples = {
            @ExampleObject(name = "done", value = "{\"leaseToken\": \"Qm9vA1b2c3d4e5f6.1\", \"result\": {\"messageId\": \"m-42\"}}"),
            @ExampleObject(name = "done, and the next", value = "{\"leaseToken\": \"Qm9vA1b2c3d4e5f6.1\", \"next\": {\"max\": 1}}")}))
    @APIResponse(responseCode = "200", description = "The succeeded task, and next.tasks when next was asked for",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = Completion.class), examples = {
                    @ExampleObject(name = "done", value = TaskView.SUCCEEDED),
                    @ExampleObject(name = "done, and the next", value = Completion.NEXT)}))
    @APIResponse(responseCode = "409", description = "The lease is lost, or the task was cancelled")
    @Requires(Scope.TASKS)
    public Uni<Completion> complete(@PathParam("projectId") String projectId, @PathParam("queue") String queue,
            @PathParam("id") String id, CompleteRequest body) {
        return complete(caller.principal(), projectId, queue, id, body);
    }

    /** {@link #complete(String, String, String, CompleteRequest)} for {@code principal}, authenticated and counted by the caller. */
    Uni<Completion> complete(Principal principal, String projectId, String queue, String id, CompleteRequest body) {
        Violations violations = new Violations();
        TaskRef ref = ref(violations, projectId, queue, id);
        LeaseToken lease = leaseOf(violations, body == null ? null : body.leaseToken());
        ClaimRequest next = body == null || body.next() == null ? null : nextClaim(violations, body.next());
        violations.throwIfAny();
        Optional<String> result = Optional.ofNullable(body.result()).map(JsonValue::text);
        if (next == null) {
            return tasks.complete(principal, ref, lease, result).map(task -> new Completion(TaskView.from(task), null));
        }
        return tasks.completeAndClaim(principal, ref, lease, result, next)
                .map(handed -> new Completion(TaskView.from(handed.completed()), Claimed.from(handed.next())));
    }

    /** The claim a completion makes next: as a claim's body, without a wait (a worker long-polls with claims). */
    private static ClaimRequest nextClaim(Violations violations, ClaimBody next) {
        if (next.waitSeconds() != null) {
            violations.add("next.waitSeconds", "a next claim never waits: when it finds nothing, long-poll with a claim");
        }
        int max = next.max() == null ? 1 : next.max();
        ClaimRequest request = violations.check("next.max", () -> ClaimRequest.upTo(max));
        if (request != null && next.leaseSeconds() != null) {
            return violations.check("next.leaseSeconds", () -> request.leasedFor(Duration.ofSeconds(next.leaseSeconds())));
        }
        return request;
    }

    @POST
    @Path("{queue}/tasks/{id}/fail")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Fail a running task's attempt",
            description = "Retries it after the queue's backoff (state FAILED until then; the progress stream shows the retry), "
                    + "or makes it a dead letter (DEAD) after its last attempt or when retryable is false. error: 1 to 4096 "
                    + "characters. 409 lease-lost for a stale lease.")
    @RequestBody(content = @Content(examples = @ExampleObject(name = "failure", value = "{\"leaseToken\": \"Qm9vA1b2c3d4e5f6.1\", "
            + "\"error\": \"SMTP 451: try again later\", \"retryable\": true}")))
    @APIResponse(responseCode = "200", description = "The task, FAILED (to be retried at runAt) or DEAD",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = TaskView.class), examples = {
                    @ExampleObject(name = "to be retried", value = TaskView.FAILED),
                    @ExampleObject(name = "dead", value = TaskView.DEAD)}))
    @APIResponse(responseCode = "409", description = "The lease is lost, or the task was cancelled")
    @Requires(Scope.TASKS)
    public Uni<TaskView> fail(@PathParam("projectId") String projectId, @PathParam("queue") String queue,
            @PathParam("id") String id, FailRequest body) {
        return fail(caller.principal(), projectId, queue, id, body);
    }

    /** {@link #fail(String, String, String, FailRequest)} for {@code principal}, authenticated and counted by the caller. */
    Uni<TaskView> fail(Principal principal, String projectId, String queue, String id, FailRequest body) {
        Violations violations = new Violations();
        TaskRef ref = ref(violations, projectId, queue, id);
        LeaseToken lease = leaseOf(violations, body == null ? null : body.leaseToken());
        if (body == null || body.error() == null) {
            violations.add("error", "error is required: what went wrong");
        } else {
            violations.check("error", () -> TaskLimits.error(body.error()));
        }
        violations.throwIfAny();
        return tasks.fail(principal, ref.project(), ref, lease, body.error(), body.retryable() == null || body.retryable())
                .map(TaskView::from);
    }

    @POST
    @Path("{queue}/tasks/{id}/cancel")
    @Operation(summary = "Cancel a task",
            description = "A queued, scheduled or retrying task is CANCELLED at once. A running one is marked (cancelRequested): "
                    + "its worker gets 409 task-cancelled on its next heartbeat, complete or fail, and it never succeeds. "
                    + "Repeating is harmless. 409 for a task that succeeded or died.")
    @APIResponse(responseCode = "200", description = "The task, CANCELLED or marked",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = TaskView.class), examples = {
                    @ExampleObject(name = "cancelled", value = TaskView.CANCELLED),
                    @ExampleObject(name = "running, marked", value = TaskView.CANCEL_REQUESTED)}))
    @APIResponse(responseCode = "409", description = "The task has succeeded or is dead")
    @Requires(Scope.TASKS)
    public Uni<TaskView> cancel(@PathParam("projectId") String projectId, @PathParam("queue") String queue,
            @PathParam("id") String id) {
        Violations violations = new Violations();
        TaskRef ref = ref(violations, projectId, queue, id);
        violations.throwIfAny();
        return tasks.cancel(caller.principal(), ref.project(), ref).map(TaskView::from);
    }

    // --- reads

    @GET
    @Path("{queue}/tasks/{id}")
    @Operation(summary = "Read a task", description = "Its state, payload, attempts, result or last error. Finished tasks are kept "
            + "24 h (dead letters 7 days), then 404.")
    @APIResponse(responseCode = "200", description = "The task", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = TaskView.class), examples = {
                    @ExampleObject(name = "queued", value = TaskView.QUEUED),
                    @ExampleObject(name = "succeeded", value = TaskView.SUCCEEDED)}))
    @APIResponse(responseCode = "404", description = "No such task in this queue of the project (or its retention passed)")
    @Requires(Scope.TASKS)
    public Uni<TaskView> get(@PathParam("projectId") String projectId, @PathParam("queue") String queue, @PathParam("id") String id) {
        Violations violations = new Violations();
        TaskRef ref = ref(violations, projectId, queue, id);
        violations.throwIfAny();
        return tasks.find(caller.principal(), ref.project(), ref).map(TaskView::from);
    }

    @GET
    @Path("{queue}/tasks")
    @Operation(summary = "List a queue's tasks", description = "The tasks in one state (default QUEUED), in enqueue order, a page "
            + "at a time: pass nextCursor as cursor until it is null.")
    @APIResponse(responseCode = "200", description = "A page of tasks", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = TaskListing.class),
            examples = @ExampleObject(name = "page", value = TaskListing.QUEUED)))
    @Requires(Scope.TASKS)
    public Uni<TaskListing> list(@PathParam("projectId") String projectId, @PathParam("queue") String queue,
            @Parameter(description = "QUEUED, SCHEDULED, RUNNING, SUCCEEDED, FAILED, DEAD or CANCELLED") @QueryParam("state") String state,
            @Parameter(description = "nextCursor of the previous page") @QueryParam("cursor") String cursor,
            @Parameter(description = "1 to 1000, default 100") @QueryParam("limit") String limit) {
        Violations violations = new Violations();
        ProjectId project = violations.check("projectId", () -> ProjectId.of(projectId));
        QueueName name = violations.check("queue", () -> QueueName.of(queue));
        TaskState wanted = state == null ? TaskState.QUEUED : violations.check("state", () -> TaskState.parse(state));
        long after = cursorOf(Paging.Listing.TASKS, violations, cursor);
        int size = Paging.limit(limit, violations);
        violations.throwIfAny();
        return tasks.list(caller.principal(), project, name, wanted, after, size).map(TaskListing::from);
    }

    @GET
    @Path("{queue}")
    @Operation(summary = "Read a queue", description = "Its tasks by state, how long its oldest queued task has waited, and its "
            + "settings.")
    @APIResponse(responseCode = "200", description = "The queue", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = QueueView.class), examples = {
                    @ExampleObject(name = "busy", value = QueueView.EXAMPLE),
                    @ExampleObject(name = "nothing queued", value = QueueView.IDLE)}))
    @Requires(Scope.TASKS)
    public Uni<QueueView> queue(@PathParam("projectId") String projectId, @PathParam("queue") String queue) {
        Violations violations = new Violations();
        ProjectId project = violations.check("projectId", () -> ProjectId.of(projectId));
        QueueName name = violations.check("queue", () -> QueueName.of(queue));
        violations.throwIfAny();
        return tasks.queue(caller.principal(), project, name).map(info -> new QueueView(project.value(), name.value(),
                new EnumMap<>(info.counts().byState()),
                info.counts().oldestQueuedAge().map(age -> age.toMillis() / 1000.0).orElse(null), SettingsView.from(info.settings())));
    }

    @PUT
    @Path("{queue}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Set a queue's settings (scope admin)",
            description = "maxAttempts 1 to 100; backoffMinSeconds (at least 1) doubling per retry up to backoffMaxSeconds (at "
                    + "most 2592000); defaultLeaseSeconds 1 to 43200; maxQueued 1 to the deployment's bound; "
                    + "deadLetterRetentionSeconds 1 to 31536000. An absent field takes the deployment's default. They apply to "
                    + "every later change of the queue's tasks.")
    @RequestBody(content = @Content(examples = @ExampleObject(name = "settings", value = "{\"maxAttempts\": 8, "
            + "\"backoffMinSeconds\": 2, \"backoffMaxSeconds\": 600, \"defaultLeaseSeconds\": 120, \"maxQueued\": 50000}")))
    @APIResponse(responseCode = "200", description = "The settings now in force",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = SettingsView.class),
            examples = @ExampleObject(name = "settings", value = SettingsView.SAVED)))
    @Requires(Scope.ADMIN)
    public Uni<SettingsView> saveSettings(@PathParam("projectId") String projectId, @PathParam("queue") String queue,
            QueueSettingsRequest body) {
        Violations violations = new Violations();
        ProjectId project = violations.check("projectId", () -> ProjectId.of(projectId));
        QueueName name = violations.check("queue", () -> QueueName.of(queue));
        QueueSettings defaults = tasks.queueDefaults();
        QueueSettingsRequest b = body == null ? new QueueSettingsRequest(null, null, null, null, null, null) : body;
        int attempts = b.maxAttempts() == null ? defaults.retry().maxAttempts() : b.maxAttempts();
        violations.check("maxAttempts", () -> TaskLimits.attempts("maxAttempts", attempts));
        Duration min = b.backoffMinSeconds() == null ? defaults.retry().minDelay() : seconds(violations, "backoffMinSeconds",
                b.backoffMinSeconds(), 1, TaskLimits.MAX_DELAY.toSeconds());
        Duration max = b.backoffMaxSeconds() == null ? defaults.retry().maxDelay() : seconds(violations, "backoffMaxSeconds",
                b.backoffMaxSeconds(), 1, TaskLimits.MAX_DELAY.toSeconds());
        Duration lease = b.defaultLeaseSeconds() == null ? defaults.defaultLease() : violations.check("defaultLeaseSeconds",
                () -> TaskLimits.lease("defaultLeaseSeconds", Duration.ofSeconds(b.defaultLeaseSeconds())));
        long maxQueued = b.maxQueued() == null ? defaults.maxQueued() : b.maxQueued();
        if (maxQueued < 1 || maxQueued > defaults.maxQueued()) {
            violations.add("maxQueued", "maxQueued must be between 1 and " + defaults.maxQueued());
        }
        Duration retention = b.deadLetterRetentionSeconds() == null ? defaults.deadLetterRetention() : seconds(violations,
                "deadLetterRetentionSeconds", b.deadLetterRetentionSeconds(), 1, QueueSettings.MAX_DEAD_LETTER_RETENTION.toSeconds());
        violations.throwIfAny();
        RetryPolicy retry = violations.check("backoffMaxSeconds", () -> new RetryPolicy(min, max, attempts));
        violations.throwIfAny();
        QueueSettings settings = violations.check(() -> new QueueSettings(retry, lease, maxQueued, retention));
        violations.throwIfAny();
        return tasks.saveSettings(caller.principal(), project, name, settings).map(SettingsView::from);
    }

    private static Duration seconds(Violations violations, String field, long value, long min, long max) {
        if (value < min || value > max) {
            violations.add(field, field + " must be between " + min + " and " + max);
            return Duration.ofSeconds(min);
        }
        return Duration.ofSeconds(value);
    }

    @GET
    @Path("{queue}/dead")
    @Operation(summary = "List a queue's dead letters", description = "Tasks that failed their last attempt (or a non-retryable "
            + "failure), with their last error, in the order they were enqueued, a page at a time. Kept 7 days by default.")
    @APIResponse(responseCode = "200", description = "A page of dead letters",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = TaskListing.class),
            examples = @ExampleObject(name = "last page", value = TaskListing.DEAD)))
    @Requires(Scope.TASKS)
    public Uni<TaskListing> deadLetters(@PathParam("projectId") String projectId, @PathParam("queue") String queue,
            @Parameter(description = "nextCursor of the previous page") @QueryParam("cursor") String cursor,
            @Parameter(description = "1 to 1000, default 100") @QueryParam("limit") String limit) {
        Violations violations = new Violations();
        ProjectId project = violations.check("projectId", () -> ProjectId.of(projectId));
        QueueName name = violations.check("queue", () -> QueueName.of(queue));
        long after = cursorOf(Paging.Listing.DEAD_LETTERS, violations, cursor);
        int size = Paging.limit(limit, violations);
        violations.throwIfAny();
        return tasks.deadLetters(caller.principal(), project, name, after, size)
                .map(page -> TaskListing.from(page, Paging.Listing.DEAD_LETTERS));
    }

    @POST
    @Path("{queue}/dead/redrive")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Redrive dead letters", description = "Puts the dead letters named by ids (at most 1000; ids that are "
            + "not dead letters are skipped), or all of them without ids, back in the queue with their attempts reset.")
    @RequestBody(content = @Content(examples = @ExampleObject(name = "some", value = "{\"ids\": [\"tk_0mx4iyciyA0bC1dE2fG3hI4jK\"]}")))
    @APIResponse(responseCode = "200", description = "How many went back",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = Redriven.class),
            examples = @ExampleObject(name = "count", value = Redriven.EXAMPLE)))
    @Requires(Scope.TASKS)
    public Uni<Redriven> redrive(@PathParam("projectId") String projectId, @PathParam("queue") String queue, RedriveRequest body) {
        Violations violations = new Violations();
        ProjectId project = violations.check("projectId", () -> ProjectId.of(projectId));
        QueueName name = violations.check("queue", () -> QueueName.of(queue));
        Optional<Set<TaskId>> ids = Optional.empty();
        if (body != null && body.ids() != null) {
            if (body.ids().isEmpty() || body.ids().size() > MAX_REDRIVE_IDS) {
                violations.add("ids", "ids must list 1 to " + MAX_REDRIVE_IDS + " task ids, or be left out to redrive all");
            } else {
                Set<TaskId> named = new LinkedHashSet<>();
                for (int i = 0; i < body.ids().size(); i++) {
                    String raw = body.ids().get(i);
                    TaskId id = violations.check("ids[" + i + "]", () -> TaskId.of(raw));
                    if (id != null) {
                        named.add(id);
                    }
                }
                ids = Optional.of(named);
            }
        }
        violations.throwIfAny();
        return tasks.redrive(caller.principal(), project, name, ids).map(Redriven::new);
    }

    // --- parsing

    private static TaskRef ref(Violations violations, String projectId, String queue, String id) {
        ProjectId project = violations.check("projectId", () -> ProjectId.of(projectId));
        QueueName name = violations.check("queue", () -> QueueName.of(queue));
        TaskId task = violations.check("id", () -> TaskId.of(id));
        return project == null || name == null || task == null ? null : TaskRef.of(project, name, task);
    }

    private static LeaseToken leaseOf(Violations violations, String raw) {
        if (raw == null) {
            violations.add("leaseToken", "leaseToken is required: the token the claim gave");
            return null;
        }
        return violations.check("leaseToken", () -> LeaseToken.of(raw));
    }

    /** A task list's position: a sequence this service wrote, decimal digits, no sign, at most 18 of them. */
    private static long cursorOf(Paging.Listing listing, Violations violations, String cursor) {
        return Paging.position(listing, cursor, raw -> {
            if (!CURSOR.matcher(raw).matches()) {
                throw new IllegalArgumentException("not a sequence");
            }
            return Long.parseLong(raw);
        }, violations).orElse(0L);
    }
}
