package cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code export}: a project's data as an export file (docs/export-format.md). */
@Command(name = "export", description = {"Writes a project's export to a file (or standard output): JSON Lines, a header, "
        + "the live cache entries in key order, the progress operations with their events, an end line.", "A file is written only whole: until its end line has come it is "
        + "FILE.partial, removed if the export breaks (exit 3)."})
final class ExportCommand extends ServiceCommand {

    @Parameters(paramLabel = "PROJECT", arity = "0..1", description = "The project to export (or --all).")
    String project;

    @Option(names = "--all", description = "Every project the service lists, one file each, and the stored rate-limit "
            + "policies and its credentials (API keys and sessions, as digests), into the directory --output names (with a "
            + "manifest.json that `import --all` reads).")
    boolean all;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Where to write it (default: standard output); "
            + "with --all, a directory.")
    Path output;

    @Option(names = "--after", paramLabel = "KEY", description = "Only the entries after this key (to resume a cut export).")
    String after;

    @Option(names = "--no-credentials", description = "With --all: leave the API keys and sessions out of the backup.")
    boolean noCredentials;

    @Option(names = "--progress", description = "Report the export through the project's progress capability (off by "
            + "default: the operation would be part of the project's next export).")
    boolean progress;

    @Override
    int run(ServiceClient service, Console console) {
        if (all == (project != null)) {
            throw new CliException(ExitCodes.USAGE, "name a project, or --all");
        }
        if (all) {
            if (after != null) {
                throw new CliException(ExitCodes.USAGE, "--after resumes one project's export, not --all");
            }
            return exportAll(service, console);
        }
        Exported done = export(service, project, output, after, !progress, console);
        if (console.json() && output != null) {
            ObjectNode summary = ServiceClient.JSON.createObjectNode().put("project", project).put("records", done.records())
                    .put("unreadable", done.unreadable()).put("operations", done.operations()).put("tasks", done.tasks())
                    .put("file", output.toString());
            console.print(summary);
        } else {
            console.note("exported " + Console.count(done.records()) + " entries" + (done.operations() > 0
                    ? ", " + Console.count(done.operations()) + " progress operations" : "") + (done.tasks() > 0
                    ? ", " + Console.count(done.tasks()) + " tasks" : "") + " of " + project
                    + (output == null ? "" : " to " + output)
                    + (done.unreadable() > 0 ? " (" + done.unreadable() + " unreadable, named in the file)" : ""));
        }
        return ExitCodes.OK;
    }

    /** What an export wrote. */
    record Exported(long records, long unreadable, long operations, long tasks) {
    }

    /**
     * Every project the service lists into a directory, one export file each ({@code <project>.jsonl}),
     * the stored rate-limit policies ({@code policies.json}), and a manifest naming them, written last:
     * a directory without its manifest is incomplete.
     */
    private int exportAll(ServiceClient service, Console console) {
        if (output == null) {
            throw new CliException(ExitCodes.USAGE, "--all writes into a directory: name it with --output");
        }
        try {
            Files.createDirectories(output);
            // An earlier backup's manifest goes first: until this one's is written, the directory reads as unfinished.
            Files.deleteIfExists(output.resolve(Backup.MANIFEST));
            Files.deleteIfExists(output.resolve(Backup.POLICIES));
            Files.deleteIfExists(output.resolve(Credentials.FILE));
        } catch (IOException e) {
            throw new CliException(ExitCodes.USAGE, "cannot make the directory " + output + " ready: " + e.getMessage());
        }
        ObjectNode manifest = ServiceClient.JSON.createObjectNode().put("format", Backup.FORMAT).put("version", 1)
                .put("from", service.base().toString()).put("exportedAt", java.time.Instant.now().toString());
        com.fasterxml.jackson.databind.node.ArrayNode files = manifest.putArray("projects");
        for (String each : ProjectsCommand.all(service)) {
            Path file = Backup.fileOf(output, each, ExitCodes.UNAVAILABLE);
            Exported done = export(service, each, file, null, !progress, console);
            files.addObject().put("project", each).put("file", file.getFileName().toString()).put("records", done.records())
                    .put("operations", done.operations()).put("tasks", done.tasks());
            if (!console.json()) {
                console.line(each + ": " + Console.count(done.records()) + " entries, " + Console.count(done.operations())
                        + " progress operations, " + Console.count(done.tasks()) + " tasks");
            }
        }
        com.fasterxml.jackson.databind.node.ArrayNode stored = ServiceClient.JSON.createArrayNode();
        PoliciesCommand.all(service).forEach(policy -> {
            if (policy.path("source").asText().equals("stored")) {
                stored.add(policy);
            }
        });
        Backup.write(output.resolve(Backup.POLICIES), stored);
        manifest.put("policies", stored.size());
        int exit = ExitCodes.OK;
        try {
            if (!noCredentials) {
                JsonNode end = Credentials.download(service, output.resolve(Credentials.FILE));
                manifest.putObject("credentials").put("file", Credentials.FILE).put("apikeys", end.path("apikeys").asLong())
                        .put("sessions", end.path("sessions").asLong());
            }
        } catch (ServiceException e) {
            if (e.status() != 403 && e.status() != 404 && e.status() != 429) {
                throw e;
            }
            // A key that administers some projects backs them up; the credentials need more (or a newer service).
            console.note("warning: the API keys and sessions were not exported (" + e.status() + ": " + (e.status() == 403
                    ? "the key needs admin on every project and sessions" : e.status() == 404 ? "the service cannot export them"
                    : "the service runs as many credential exports as it may") + ")");
            exit = ExitCodes.ATTENTION;
        }
        Backup.write(output.resolve(Backup.MANIFEST), manifest);
        if (console.json()) {
            console.print(manifest);
        } else {
            console.line("rate-limit policies: " + stored.size() + (manifest.has("credentials") ? "; API keys: "
                    + manifest.path("credentials").path("apikeys").asLong() + ", sessions: "
                    + manifest.path("credentials").path("sessions").asLong() : "") + "; the manifest: " + output.resolve(Backup.MANIFEST));
        }
        return exit;
    }

    /** One project's export to {@code output} (standard output when null), written whole or not at all. */
    static Exported export(ServiceClient service, String project, Path output, String after, boolean noProgress, Console console) {
        long total = ImportCommand.entries(service, project);
        Path partial = output == null ? null : output.resolveSibling(output.getFileName() + ".partial");
        long records = 0;
        long unreadable = 0;
        long operations = 0;
        long tasks = 0;
        boolean complete = false;
        String why = "the connection broke before the end line";
        // Opened first: a refusal (403, 404, 503) is the service's answer, with nothing begun.
        BufferedReader reader = ExportFiles.reader(service.download(ServiceClient.path("/v1/admin/projects/%s/export", project)
                + (after == null ? "" : "?after=" + ServiceClient.query(after))));
        ProgressReport report = noProgress ? ProgressReport.none() : ProgressReport.start(service, project, "export", total, "exporting", console);
        ProgressBar bar = new ProgressBar(console.err(), "exporting " + project);
        try (reader; OutputStream out = partial == null ? new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16)
                : new BufferedOutputStream(Files.newOutputStream(partial), 1 << 16)) {
            Iterator<ExportLine> lines = ExportLine.read(reader, ExitCodes.UNAVAILABLE);
            while (lines.hasNext()) {
                ExportLine line = lines.next();
                out.write(line.text().getBytes(StandardCharsets.UTF_8));
                out.write('\n');
                switch (line.type()) {
                    case "cache" -> {
                        bar.update(++records, total, "entries");
                        if (records % 1000 == 0) {
                            report.advance(records);
                        }
                    }
                    case "unreadable" -> unreadable++;
                    case "progress" -> operations++;
                    case "task" -> tasks++;
                    case "error" -> why = line.json().path("detail").asText();
                    case "end" -> complete = line.json().path("records").asLong() == records;
                    default -> {
                    }
                }
            }
            out.flush();
        } catch (IOException | RuntimeException e) {
            why = e instanceof UncheckedIOException u ? "reading it failed: " + u.getCause().getMessage()
                    : e instanceof CliException c ? c.getMessage() : "reading it failed: " + e.getMessage();
        } finally {
            bar.finish();
        }
        if (!complete) {
            report.fail("the export is incomplete");
            if (partial != null) {
                delete(partial);
            }
            throw new CliException(ExitCodes.UNAVAILABLE, "the export of " + project + " is incomplete after " + records
                    + " entries: " + why + "; export again (--after the last key to resume)");
        }
        report.advance(records);
        report.complete(Console.count(records) + " entries exported");
        if (partial != null) {
            try {
                Files.move(partial, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new CliException(ExitCodes.UNAVAILABLE, "cannot write " + output + ": " + e.getMessage());
            }
        }
        return new Exported(records, unreadable, operations, tasks);
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // left behind: its name says it is partial
        }
    }
}
