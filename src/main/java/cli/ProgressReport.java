package cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * A long transfer told through the service's own progress capability, so that anyone with
 * {@code progress:read} on the project can follow it with {@code curl -N} on its events (or a browser's
 * EventSource): an operation started with the entries to move, a step per batch, and its end. Reporting
 * never stops the transfer: a service that refuses it (the key lacks the scope {@code progress}) gets
 * one note, and the transfer goes on unreported.
 */
final class ProgressReport {

    /** Steps an operation holds at most: a step stands for this many entries or more. */
    private static final long MAX_STEPS = 10_000;
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");

    private final ServiceClient service;
    private final String base;
    private final Console console;
    private final long unit;
    private final long total;
    private long steps;
    private boolean on;

    private ProgressReport(ServiceClient service, String project, String id, long total, Console console) {
        this.service = service;
        this.base = ServiceClient.path("/v1/projects/%s/progress/%s", project, id);
        this.console = console;
        this.total = total;
        this.unit = Math.max(1, (total + MAX_STEPS - 1) / MAX_STEPS);
    }

    /** A report that reports nothing. */
    static ProgressReport none() {
        return new ProgressReport(null, "none", "none", 0, null);
    }

    /**
     * Starts the operation {@code <kind>-<project>-<time>} in the project on {@code service}, for
     * {@code total} entries (unknown: 0 or less), and says where to follow it.
     */
    static ProgressReport start(ServiceClient service, String project, String kind, long total, String message, Console console) {
        String id = kind + "-" + project + "-" + ZonedDateTime.now(ZoneOffset.UTC).format(STAMP);
        ProgressReport report = new ProgressReport(service, project, id, Math.max(total, 0), console);
        ObjectNode body = ServiceClient.JSON.createObjectNode().put("correlationId", id)
                .put("totalSteps", Math.max(1, (Math.max(total, 1) + report.unit - 1) / report.unit)).put("message", message);
        report.on = report.call(() -> service.post(ServiceClient.path("/v1/projects/%s/progress", project), body));
        if (report.on) {
            console.note("progress: curl -N " + service.base() + report.base + "/events");
        }
        return report;
    }

    /** {@code done} entries of the total have moved. */
    void advance(long done) {
        long reached = done / unit;
        if (!on || reached <= steps) {
            return;
        }
        long increment = reached - steps;
        steps = reached;
        ObjectNode body = ServiceClient.JSON.createObjectNode().put("increment", increment)
                .put("message", Console.count(done) + (total > 0 ? " of " + Console.count(total) : "") + " entries");
        on = call(() -> service.post(base + "/steps", body));
    }

    void complete(String message) {
        if (on) {
            on = call(() -> service.post(base + "/complete", ServiceClient.JSON.createObjectNode().put("message", message)));
        }
    }

    void fail(String error) {
        if (on) {
            on = call(() -> service.post(base + "/fail", ServiceClient.JSON.createObjectNode()
                    .put("error", error.length() > 500 ? error.substring(0, 500) : error)));
        }
    }

    private boolean call(Runnable call) {
        try {
            call.run();
            return true;
        } catch (ServiceException | CliException e) {
            console.note("progress is not reported on the service (" + e.getMessage().lines().findFirst().orElse("") + ")");
            return false;
        }
    }
}
