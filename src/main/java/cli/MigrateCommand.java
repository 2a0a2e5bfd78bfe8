package cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code migrate}: projects moved from one service to another (each on any store), streamed from the
 * source's export into the target's import in batches, with a checkpoint to resume from, a dry run,
 * and a validation of the result.
 */
@Command(name = "migrate", description = {"Moves projects from one service to another, each on any store (memory, embedded, "
        + "Redis): the source's export streamed into the target's import, a batch at a time, project by project.",
        "With --checkpoint FILE a run that stopped (killed, the network lost) continues after the last batch the target "
                + "acknowledged; a batch sent again is found unchanged, never written twice.",
        "--dry-run reports what would be written and the conflicts, and writes nothing. --validate compares source and "
                + "target afterwards (key counts, values, tags, creation, versions, expiry drift); differences exit 4.",
        "Keys: CACHE_DOMAIN_FROM_KEY and CACHE_DOMAIN_TO_KEY (else CACHE_DOMAIN_ADMIN_KEY for both), or --from-key-file and "
                + "--to-key-file; each needs admin on the projects moved."})
final class MigrateCommand implements Callable<Integer> {

    @Option(names = "--from", paramLabel = "URL", required = true, description = "The service to read from.")
    URI from;

    @Option(names = "--to", paramLabel = "URL", required = true, description = "The service to write to.")
    URI to;

    @Option(names = "--from-key-file", paramLabel = "FILE", description = "A file holding the source's admin key.")
    Path fromKeyFile;

    @Option(names = "--to-key-file", paramLabel = "FILE", description = "A file holding the target's admin key.")
    Path toKeyFile;

    @Option(names = {"-p", "--project"}, paramLabel = "PROJECT",
            description = "A project to move (repeatable; default: every project the source lists).")
    List<String> projects = new ArrayList<>();

    @Option(names = "--checkpoint", paramLabel = "FILE", description = "Where to keep the migration's progress; a run with "
            + "the same file continues where the last one stopped.")
    Path checkpoint;

    @Option(names = "--mode", paramLabel = "merge|replace", defaultValue = "merge", description = "merge (default): entries "
            + "newer in the target are kept, as conflicts; replace: each project's entries in the target are removed first.")
    String mode;

    @Option(names = "--dry-run", description = "Report what would be written and the conflicts; write nothing (not even the checkpoint).")
    boolean dryRun;

    @Option(names = "--validate", description = "Afterwards, compare source and target.")
    boolean validate;

    @Option(names = "--validate-only", description = "Only compare source and target; move nothing.")
    boolean validateOnly;

    @Option(names = "--batch", paramLabel = "ENTRIES", defaultValue = "5000", description = "Entries per import request at most (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60", description = "Seconds to wait for each answer to begin (default ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--json", description = "Print JSON for scripts instead of text.")
    boolean json;

    @Option(names = "--no-progress", description = "Do not report each project's move through the target's progress capability.")
    boolean noProgress;

    @Option(names = "--no-policies", description = "Leave the rate-limit policies stored at runtime where they are (when no "
            + "--project is given they are copied too: they belong to the whole service, not to a project).")
    boolean noPolicies;

    @Option(names = "--policies", description = "Copy the stored rate-limit policies also when projects are named.")
    boolean policies;

    @Option(names = "--include-credentials", description = "Copy every API key and live session too, so that their secrets and "
            + "tokens work on the target (needs admin on every project of both).")
    boolean includeCredentials;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (!mode.equals("merge") && !mode.equals("replace")) {
            throw new CliException(ExitCodes.USAGE, "--mode is merge or replace, not " + mode);
        }
        if (batch < 1 || batch > 100_000) {
            throw new CliException(ExitCodes.USAGE, "--batch is 1 to 100000 entries");
        }
        if (timeoutSeconds < 1) {
            throw new CliException(ExitCodes.USAGE, "--timeout must be at least 1 second");
        }
        Console console = new Console(spec, json);
        Duration timeout = Duration.ofSeconds(timeoutSeconds);
        ServiceClient source = new ServiceClient(from, Connection.key(fromKeyFile, "CACHE_DOMAIN_FROM_KEY"), timeout);
        ServiceClient target = new ServiceClient(to, Connection.key(toKeyFile, "CACHE_DOMAIN_TO_KEY"), timeout);
        if (sameService(source.base(), target.base())) {
            throw new CliException(ExitCodes.USAGE, "--from and --to name the same service (" + source.base() + ", " + target.base() + ")");
        }
        for (ServiceClient service : List.of(source, target)) {
            if (service.sendsKeyInClear()) {
                console.note("warning: the key for " + service.base() + " crosses the network in clear: use https");
            }
        }
        List<String> moved = projects.isEmpty() ? ProjectsCommand.all(source) : projects;
        Checkpoint progress = Checkpoint.open(dryRun ? null : checkpoint, source.base().toString(), target.base().toString(), mode);
        ObjectNode answer = ServiceClient.JSON.createObjectNode().put("from", source.base().toString()).put("to", target.base().toString());
        boolean clean = true;
        if (!validateOnly && (policies || (projects.isEmpty() && !noPolicies))) {
            ObjectNode copied = PoliciesCommand.copy(PoliciesCommand.all(source), target, mode, dryRun);
            answer.set("policies", copied);
            clean = copied.path("refused").isEmpty();
            if (!console.json()) {
                console.line("rate-limit policies: " + (dryRun ? "would write " : "written ") + copied.path("written").size()
                        + ", unchanged " + copied.path("unchanged").asLong() + ", kept in the target " + copied.path("kept").size()
                        + (copied.path("refused").isEmpty() ? "" : ", refused " + copied.path("refused")));
            }
        }
        if (!validateOnly && includeCredentials) {
            ObjectNode copied = Credentials.send(target, Credentials.export(source), dryRun);
            answer.set("credentials", copied);
            clean &= copied.path("apikeyConflicts").asLong() == 0;
            if (!console.json()) {
                console.line("credentials: " + Credentials.summary(copied, dryRun));
            }
        }
        ArrayNode migrated = answer.putArray("migrated");
        if (!validateOnly) {
            for (String project : moved) {
                JsonNode result = migrate(source, target, project, progress, console);
                migrated.add(result);
                if (!console.json()) {
                    print(result, console);
                }
            }
        }
        if (validate || validateOnly) {
            ArrayNode validations = answer.putArray("validations");
            for (String project : moved) {
                ObjectNode validation = Comparison.of(source, target, project);
                clean &= validation.path("consistent").asBoolean();
                validations.add(validation);
                if (!console.json()) {
                    Comparison.print(validation, console);
                }
            }
        }
        if (console.json()) {
            console.print(answer);
        }
        return clean ? ExitCodes.OK : ExitCodes.ATTENTION;
    }

    /**
     * Whether two addresses reach one service: the same port on a host whose addresses overlap (any
     * two loopback addresses count as one). Two instances sharing one store are one service too, and
     * this cannot see it: the README says so.
     */
    static boolean sameService(URI a, URI b) {
        if (port(a) != port(b)) {
            return false;
        }
        try {
            java.util.Set<String> left = new java.util.HashSet<>();
            boolean leftLoopback = false;
            for (java.net.InetAddress address : java.net.InetAddress.getAllByName(a.getHost())) {
                left.add(address.getHostAddress());
                leftLoopback |= address.isLoopbackAddress();
            }
            for (java.net.InetAddress address : java.net.InetAddress.getAllByName(b.getHost())) {
                if (left.contains(address.getHostAddress()) || (leftLoopback && address.isLoopbackAddress())) {
                    return true;
                }
            }
            return false;
        } catch (java.net.UnknownHostException e) {
            throw new CliException(ExitCodes.UNAVAILABLE, "cannot resolve " + e.getMessage());
        }
    }

    private static int port(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : uri.getScheme().equals("https") ? 443 : 80;
    }

    private JsonNode migrate(ServiceClient source, ServiceClient target, String project, Checkpoint progress, Console console) {
        if (progress.isDone(project)) {
            ObjectNode done = ServiceClient.JSON.createObjectNode().put("project", project).put("doneBefore", true);
            done.setAll((ObjectNode) progress.of(project).deepCopy());
            return done;
        }
        Optional<String> after = progress.after(project);
        Importer importer = new Importer(target, project, mode, dryRun, progress.isStarted(project));
        long total = ImportCommand.entries(source, project);
        String path = ServiceClient.path("/v1/admin/projects/%s/export", project) + after.map(key -> "?after=" + ServiceClient.query(key)).orElse("");
        // Opened first: a refusal of the export is the source's answer, with nothing begun on the target.
        BufferedReader reader = ExportFiles.reader(source.download(path));
        ProgressReport report = noProgress || dryRun ? ProgressReport.none()
                : ProgressReport.start(target, project, "migrate", total, after.isPresent() ? "migrating, resumed" : "migrating", console);
        ProgressBar bar = new ProgressBar(console.err(), project);
        long records = 0;
        boolean complete = false;
        try (reader) {
            Iterator<ExportLine> lines = ExportLine.read(reader, ExitCodes.UNAVAILABLE);
            if (!lines.hasNext()) {
                throw new CliException(ExitCodes.UNAVAILABLE, "the source's export of " + project + " is empty");
            }
            ExportLine header = lines.next();
            ExportFiles.checkHeader(header);
            ImportBatch current = new ImportBatch(header);
            while (lines.hasNext() && !complete) {
                ExportLine line = lines.next();
                switch (line.type()) {
                    case "end" -> {
                        if (line.json().path("records").asLong() != records) {
                            throw new CliException(ExitCodes.UNAVAILABLE, "the source's export of " + project + " is incomplete");
                        }
                        complete = true;
                    }
                    case "error" -> throw new CliException(ExitCodes.UNAVAILABLE, "the source's export of " + project + " stopped: "
                            + line.json().path("detail").asText());
                    default -> {
                        current.add(line);
                        if (line.type().equals("cache")) {
                            records++;
                        }
                    }
                }
                if (current.records() >= batch || current.size() >= ImportCommand.BATCH_BYTES) {
                    send(importer, current, project, progress);
                    bar.update(records, total, "entries");
                    report.advance(records);
                    current = new ImportBatch(header);
                }
            }
            if (!complete) {
                throw new CliException(ExitCodes.UNAVAILABLE, "the source's export of " + project + " broke off before its end line");
            }
            if (!current.isEmpty() || (importer.totals().path("batches").asLong() == 0 && !progress.isStarted(project))) {
                send(importer, current, project, progress);
            }
        } catch (IOException | UncheckedIOException e) {
            report.fail("the migration stopped: the source's export broke off");
            throw new CliException(ExitCodes.UNAVAILABLE, "reading the source's export of " + project + " failed: "
                    + (e instanceof UncheckedIOException u ? u.getCause().getMessage() : e.getMessage())
                    + (checkpoint == null ? "" : "; run again to resume"));
        } catch (CliException e) {
            report.fail("the migration stopped: the source's export broke off");
            throw e.exitCode() == ExitCodes.UNAVAILABLE && checkpoint != null
                    ? new CliException(e.exitCode(), e.getMessage() + "; run again to resume") : e;
        } catch (RuntimeException e) {
            report.fail("the migration stopped" + (e instanceof ServiceException s ? ": the target answered " + s.status() : ""));
            throw e;
        } finally {
            bar.finish();
        }
        report.advance(records);
        report.complete(Console.count(importer.totals().path("written").asLong()) + " written, "
                + Console.count(importer.totals().path("unchanged").asLong()) + " unchanged, "
                + Console.count(importer.totals().path("conflicts").asLong()) + " conflicts");
        if (!dryRun) {
            progress.done(project);
        }
        ObjectNode result = importer.totals().deepCopy();
        after.ifPresent(key -> result.put("resumedAfter", key));
        return result;
    }

    private void send(Importer importer, ImportBatch current, String project, Checkpoint progress) {
        JsonNode report = importer.send(current);
        if (!dryRun) {
            progress.acknowledged(project, current.lastKey(), report);
        }
    }

    private static void print(JsonNode result, Console console) {
        String project = result.path("project").asText();
        if (result.path("doneBefore").asBoolean()) {
            console.line(project + ": done in an earlier run (" + Console.count(result.path("written").asLong()) + " written)");
            return;
        }
        console.line(project + ": " + (result.path("dryRun").asBoolean() ? "would write " : "written ")
                + Console.count(result.path("written").asLong()) + " of " + Console.count(result.path("entries").asLong())
                + " entries, " + Console.count(result.path("unchanged").asLong()) + " unchanged, "
                + Console.count(result.path("conflicts").asLong()) + " conflicts"
                + (result.path("removed").asLong() > 0 ? ", " + Console.count(result.path("removed").asLong()) + " removed first" : "")
                + (result.path("operations").asLong() > 0 ? "; progress operations: " + Console.count(result.path("operationsWritten").asLong())
                        + (result.path("dryRun").asBoolean() ? " would be stored, " : " stored, ")
                        + Console.count(result.path("operationsExisting").asLong()) + " held already, "
                        + Console.count(result.path("operationsExpired").asLong()) + " expired" : "")
                + (result.path("tasks").asLong() > 0 ? "; tasks: " + Console.count(result.path("tasksWritten").asLong())
                        + (result.path("dryRun").asBoolean() ? " would be stored, " : " stored, ")
                        + Console.count(result.path("tasksExisting").asLong()) + " held already" : "")
                + (result.has("resumedAfter") ? " (resumed after " + result.path("resumedAfter").asText() + ")" : ""));
        if (result.path("conflicts").asLong() > 0) {
            console.line("  newer in the target, kept: " + KeysCommand.join(result.path("conflictingKeys")));
        }
    }
}
