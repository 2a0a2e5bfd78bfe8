package cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code queues show|dead|redrive}: a task queue's counts and settings, its dead letters, and their redrive. */
@Command(name = "queues", description = "Task queues: show one, list its dead letters, redrive them.",
        subcommands = {QueuesCommand.Show.class, QueuesCommand.Dead.class, QueuesCommand.Redrive.class})
final class QueuesCommand {

    /** The queue a command is about: its project and its name. */
    static final class Queue {
        @Parameters(index = "0", paramLabel = "PROJECT")
        String project;

        @Parameters(index = "1", paramLabel = "QUEUE")
        String name;
    }

    @Command(name = "show", description = "A queue's tasks by state, the age of its oldest queued task, its settings.")
    static final class Show extends ServiceCommand {

        @Mixin
        Queue queue;

        @Override
        int run(ServiceClient service, Console console) {
            JsonNode view = service.get(ServiceClient.path("/v1/projects/%s/queues/%s", queue.project, queue.name));
            if (console.json()) {
                console.print(view);
                return ExitCodes.OK;
            }
            List<List<String>> rows = new ArrayList<>();
            for (Map.Entry<String, JsonNode> count : (Iterable<Map.Entry<String, JsonNode>>) view.path("counts")::fields) {
                rows.add(List.of(count.getKey(), Console.count(count.getValue().asLong())));
            }
            console.table(List.of("state", "tasks"), rows);
            console.line("");
            JsonNode settings = view.path("settings");
            console.fields(List.of(
                    new String[] {"oldest queued", view.hasNonNull("oldestQueuedAgeSeconds")
                            ? view.path("oldestQueuedAgeSeconds").asText() + " s ago" : "none queued"},
                    new String[] {"max attempts", settings.path("maxAttempts").asText()},
                    new String[] {"backoff", settings.path("backoffMinSeconds").asText() + " to " + settings.path("backoffMaxSeconds").asText() + " s"},
                    new String[] {"lease", settings.path("defaultLeaseSeconds").asText() + " s"}));
            return ExitCodes.OK;
        }
    }

    @Command(name = "dead", description = "The queue's dead letters: tasks that failed their last attempt.")
    static final class Dead extends ServiceCommand {

        @Mixin
        Queue queue;

        @Override
        int run(ServiceClient service, Console console) {
            ArrayNode dead = service.all(ServiceClient.path("/v1/projects/%s/queues/%s/dead", queue.project, queue.name));
            if (console.json()) {
                console.print(dead);
                return ExitCodes.OK;
            }
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode task : dead) {
                rows.add(List.of(task.path("id").asText(), Integer.toString(task.path("attempt").asInt()),
                        task.path("updatedAt").asText(task.path("finishedAt").asText("")), task.path("lastError").asText("")));
            }
            console.table(List.of("id", "attempts", "at", "last error"), rows);
            return ExitCodes.OK;
        }
    }

    @Command(name = "redrive", description = "Puts dead letters back in the queue, their attempts reset: all, or those named.")
    static final class Redrive extends ServiceCommand {

        @Mixin
        Queue queue;

        @Option(names = "--id", paramLabel = "TASK", description = "A dead task to redrive (repeatable; default: every one).")
        List<String> ids = new ArrayList<>();

        @Override
        int run(ServiceClient service, Console console) {
            ObjectNode body = ServiceClient.JSON.createObjectNode();
            if (!ids.isEmpty()) {
                ids.forEach(body.putArray("ids")::add);
            }
            JsonNode answer = service.post(ServiceClient.path("/v1/projects/%s/queues/%s/dead/redrive", queue.project, queue.name), body);
            if (console.json()) {
                console.print(answer);
            } else {
                console.line("redriven " + Console.count(answer.path("redriven").asLong()) + " tasks of " + queue.project + "/" + queue.name);
            }
            return ExitCodes.OK;
        }
    }
}
