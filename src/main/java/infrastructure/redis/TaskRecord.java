package infrastructure.redis;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
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
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Optional;

/**
 * A task's record as the task scripts keep it in Redis: JSON with a short name per field (see
 * {@code place} in {@code lib_task_queue.lua}), read in one pass over its bytes. Every claim,
 * complete and enqueue reads one or more back from a script's reply, so it is read without a tree
 * and without decoding the bytes into a string first.
 */
final class TaskRecord {

    private static final JsonFactory JSON = new JsonFactory();
    /** Marks a number the record did not hold. */
    private static final long ABSENT = Long.MIN_VALUE;

    private String state;
    private long attempt = ABSENT;
    private long maxAttempts = ABSENT;
    private long priority = ABSENT;
    private long sequence = ABSENT;
    private long runAt = ABSENT;
    private String leaseToken;
    private long leaseEnd = ABSENT;
    private long fencing = ABSENT;
    private String idempotencyKey;
    private String progressId;
    private String result;
    private String lastError;
    private boolean cancelRequested;
    private long createdAt = ABSENT;
    private long updatedAt = ABSENT;
    private long finishedAt = ABSENT;
    private long keptUntil = ABSENT;

    private TaskRecord() {
    }

    /** The task stored under {@code id} with this record (UTF-8 JSON) and payload. */
    static Task task(ProjectId project, QueueName queue, String id, byte[] record, String payload) {
        return read(record).task(project, queue, id, payload);
    }

    /**
     * The task stored under {@code id}, as {@link #task} reads it, unless it is a finished task past its
     * retention at {@code nowMillis} (upkeep may not have dropped it yet): the record is read once.
     */
    static Optional<Task> unlessExpired(ProjectId project, QueueName queue, String id, byte[] record, String payload, long nowMillis) {
        TaskRecord read = read(record);
        if (read.keptUntil != ABSENT && read.keptUntil <= nowMillis) {
            return Optional.empty();
        }
        return Optional.of(read.task(project, queue, id, payload));
    }

    /** The record of {@code task} as the scripts write it (the inverse of {@link #task}), without its lease. */
    static String of(Task task) {
        StringWriter text = new StringWriter(160);
        try (JsonGenerator out = JSON.createGenerator(text)) {
            out.writeStartObject();
            out.writeStringField("st", task.state().name());
            out.writeNumberField("at", task.attempt());
            out.writeNumberField("ma", task.maxAttempts());
            out.writeNumberField("pr", task.priority().value());
            out.writeNumberField("sq", task.sequence());
            out.writeNumberField("ra", task.runAt().toEpochMilli());
            out.writeNumberField("fe", task.fencingToken());
            out.writeBooleanField("cr", task.cancelRequested());
            out.writeNumberField("ca", task.createdAt().toEpochMilli());
            out.writeNumberField("ua", task.updatedAt().toEpochMilli());
            if (task.finishedAt().isPresent()) {
                out.writeNumberField("fa", task.finishedAt().get().toEpochMilli());
            }
            if (task.idempotencyKey().isPresent()) {
                out.writeStringField("ik", task.idempotencyKey().get().value());
            }
            if (task.progressId().isPresent()) {
                out.writeStringField("pi", task.progressId().get().value());
            }
            if (task.result().isPresent()) {
                out.writeStringField("rs", task.result().get());
            }
            if (task.lastError().isPresent()) {
                out.writeStringField("er", task.lastError().get());
            }
            out.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    private static TaskRecord read(byte[] json) {
        TaskRecord record = new TaskRecord();
        try (JsonParser in = JSON.createParser(json)) {
            if (in.nextToken() != JsonToken.START_OBJECT) {
                throw malformed("not a JSON object");
            }
            while (in.nextToken() == JsonToken.FIELD_NAME) {
                String field = in.currentName();
                // A JSON null is a field the record does not hold: cjson writes none, but an absent field reads the same.
                JsonToken value = in.nextToken();
                if (value == JsonToken.VALUE_NULL) {
                    continue;
                }
                // No field of a record holds an object or an array: skipped whole, under any name, as a tree left it aside.
                if (value.isStructStart()) {
                    in.skipChildren();
                    continue;
                }
                switch (field) {
                    case "st" -> record.state = in.getText();
                    case "at" -> record.attempt = in.getValueAsLong();
                    case "ma" -> record.maxAttempts = in.getValueAsLong();
                    case "pr" -> record.priority = in.getValueAsLong();
                    case "sq" -> record.sequence = in.getValueAsLong();
                    case "ra" -> record.runAt = in.getValueAsLong();
                    case "lt" -> record.leaseToken = in.getText();
                    case "le" -> record.leaseEnd = in.getValueAsLong();
                    case "fe" -> record.fencing = in.getValueAsLong();
                    case "ik" -> record.idempotencyKey = in.getText();
                    case "pi" -> record.progressId = in.getText();
                    case "rs" -> record.result = in.getText();
                    case "er" -> record.lastError = in.getText();
                    case "cr" -> record.cancelRequested = in.getValueAsBoolean();
                    case "ca" -> record.createdAt = in.getValueAsLong();
                    case "ua" -> record.updatedAt = in.getValueAsLong();
                    case "fa" -> record.finishedAt = in.getValueAsLong();
                    case "ku" -> record.keptUntil = in.getValueAsLong();
                    default -> {
                        // A scalar field of a later version of the scripts: nothing to read.
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("a task record the scripts wrote is not JSON", e);
        }
        return record;
    }

    private Task task(ProjectId project, QueueName queue, String id, String payload) {
        if (state == null) {
            throw malformed("no state");
        }
        Optional<Lease> lease = leaseToken == null ? Optional.empty()
                : Optional.of(new Lease(LeaseToken.of(leaseToken), Instant.ofEpochMilli(required(leaseEnd, "le"))));
        return new Task(project, queue, TaskId.of(id), payload, TaskState.valueOf(state), (int) required(attempt, "at"),
                (int) required(maxAttempts, "ma"), Priority.of((int) required(priority, "pr")), required(sequence, "sq"),
                Instant.ofEpochMilli(required(runAt, "ra")), lease, required(fencing, "fe"),
                Optional.ofNullable(idempotencyKey).map(IdempotencyKey::of), Optional.ofNullable(progressId).map(ProgressId::of),
                Optional.ofNullable(result), Optional.ofNullable(lastError), cancelRequested,
                Instant.ofEpochMilli(required(createdAt, "ca")), Instant.ofEpochMilli(required(updatedAt, "ua")),
                finishedAt == ABSENT ? Optional.empty() : Optional.of(Instant.ofEpochMilli(finishedAt)));
    }

    private static long required(long value, String field) {
        if (value == ABSENT) {
            throw malformed("no field " + field);
        }
        return value;
    }

    private static IllegalStateException malformed(String why) {
        return new IllegalStateException("a task record the scripts wrote is malformed: " + why);
    }
}
