package cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code rotate-keys}: a new primary data key for a project (or the sessions), its values re-encrypted under it. */
@Command(name = "rotate-keys", description = {"Rotates a project's data keys (or, with --sessions, the sessions' keys): "
        + "new values are encrypted under a new key; a project's stored values are re-encrypted in the background and "
        + "the older keys disabled once none uses them.", "Needs a key-encryption key configured on the service (409 otherwise)."})
final class RotateKeysCommand extends ServiceCommand {

    @ArgGroup(multiplicity = "1")
    Target target;

    static final class Target {
        @Parameters(paramLabel = "PROJECT", description = "The project whose keys to rotate.")
        String project;

        @Option(names = "--sessions", description = "Rotate the sessions' keys (admin on every project).")
        boolean sessions;
    }

    @Option(names = "--wait", description = "Follow the project's re-encryption until it ends, with a progress bar.")
    boolean wait;

    @Override
    int run(ServiceClient service, Console console) {
        if (target.sessions) {
            JsonNode started = service.post("/v1/admin/sessions/keys/rotate", null);
            if (console.json()) {
                console.print(started);
            } else {
                console.fields(List.of(new String[] {"primary key", started.path("primaryKey").asText()},
                        new String[] {"started", started.path("startedAt").asText()},
                        new String[] {"older keys retire at", started.path("retiresOlderKeysAt").asText()}));
            }
            return ExitCodes.OK;
        }
        JsonNode started = service.post(ServiceClient.path("/v1/admin/projects/%s/keys/rotate", target.project), null);
        if (!wait) {
            if (console.json()) {
                console.print(started);
            } else {
                console.fields(List.of(new String[] {"project", started.path("project").asText()},
                        new String[] {"primary key", started.path("primaryKey").asText()},
                        new String[] {"started", started.path("startedAt").asText()},
                        new String[] {"progress", started.path("eventsUrl").asText()}));
            }
            return ExitCodes.OK;
        }
        JsonNode end;
        try {
            end = follow(service, started.path("eventsUrl").asText(), new ProgressBar(console.err(), "re-encrypting " + target.project));
        } catch (ServiceException e) {
            // The rotation runs: only following it was refused. Running the command again would rotate again.
            console.note("the rotation to key " + started.path("primaryKey").asText() + " started, but its progress cannot be "
                    + "followed (" + e.getMessage().lines().findFirst().orElse("") + "): it needs progress:read on " + target.project);
            return ExitCodes.ATTENTION;
        }
        if (console.json()) {
            console.print(end);
        } else {
            console.line(target.project + ": rotation to key " + started.path("primaryKey").asText() + " "
                    + end.path("type").asText(end.path("status").asText()).toLowerCase(java.util.Locale.ROOT)
                    + (end.hasNonNull("message") ? ": " + end.path("message").asText() : ""));
        }
        String how = end.path("type").asText(end.path("status").asText());
        return how.equalsIgnoreCase("completed") ? ExitCodes.OK : ExitCodes.ATTENTION;
    }

    /**
     * Reads an operation's event stream until its terminal event, drawing each step on the bar;
     * answers that event (or the final snapshot of an operation that had ended already).
     */
    static JsonNode follow(ServiceClient service, String eventsUrl, ProgressBar bar) {
        try (InputStream stream = service.download(eventsUrl);
                BufferedReader lines = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            String event = "";
            JsonNode last = ServiceClient.JSON.createObjectNode();
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.startsWith("event:")) {
                    event = line.substring(6).strip();
                } else if (line.startsWith("data:")) {
                    last = ServiceClient.JSON.readTree(line.substring(5));
                    bar.update(last.path(event.equals("snapshot") ? "currentStep" : "step").asLong(), last.path("totalSteps").asLong(), "steps");
                    if (List.of("completed", "failed", "stalled").contains(event)) {
                        break;
                    }
                }
            }
            bar.finish();
            return last;
        } catch (IOException e) {
            bar.finish();
            throw new CliException(ExitCodes.UNAVAILABLE, "the progress stream broke: " + e.getMessage());
        }
    }
}
