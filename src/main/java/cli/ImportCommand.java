package cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code import}: an export file into a project, in batches the service's import limit takes. */
@Command(name = "import", description = {"Imports an export file into a project (of this service or another, from any store).",
        "The whole file is checked first (header, end line, counts, keys once): an incomplete file writes nothing. It is then "
                + "sent in batches; the service checks each whole before writing it, so a batch it refuses (its lines named by "
                + "their number in the file) writes nothing, and the batches before it stay written (exit 1). With --mode "
                + "replace every batch is first sent as a dry run, so that a file the service refuses does not leave the "
                + "project emptied."})
final class ImportCommand extends ServiceCommand {

    /** Bytes of record lines per batch at most: well within the service's default import limit (32 MiB). */
    static final long BATCH_BYTES = 8L << 20;

    @Parameters(paramLabel = "PROJECT", arity = "0..1", description = "The project to import into (or --all).")
    String project;

    @Option(names = "--all", description = "A whole service's backup (the directory `export --all` wrote, named by --input): "
            + "each project from its file, then the stored rate-limit policies.")
    boolean all;

    @Option(names = {"-i", "--input"}, paramLabel = "FILE", description = "The export file (default: standard input); with "
            + "--all, the backup's directory.")
    Path input;

    @Option(names = "--mode", paramLabel = "merge|replace", defaultValue = "merge", description = "merge (default): keep the "
            + "project's newer entries as conflicts; replace: remove the project's entries first.")
    String mode;

    @Option(names = "--dry-run", description = "Report what would be written; write nothing.")
    boolean dryRun;

    @Option(names = "--batch", paramLabel = "ENTRIES", defaultValue = "5000", description = "Entries per request at most (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--no-progress", description = "Do not report the import through the project's progress capability.")
    boolean noProgress;

    @Option(names = "--include-credentials", description = "With --all: import the backup's API keys and sessions too, so that "
            + "their secrets and tokens work on this service (needs admin on every project).")
    boolean includeCredentials;

    @Override
    int run(ServiceClient service, Console console) {
        if (!mode.equals("merge") && !mode.equals("replace")) {
            throw new CliException(ExitCodes.USAGE, "--mode is merge or replace, not " + mode);
        }
        if (batch < 1 || batch > 100_000) {
            throw new CliException(ExitCodes.USAGE, "--batch is 1 to 100000 entries");
        }
        if (input != null && !Files.isReadable(input)) {
            throw new CliException(ExitCodes.USAGE, "cannot read " + input);
        }
        if (all == (project != null)) {
            throw new CliException(ExitCodes.USAGE, "name a project, or --all");
        }
        if (includeCredentials && !all) {
            throw new CliException(ExitCodes.USAGE, "--include-credentials goes with --all: a project's file holds no credentials");
        }
        if (all) {
            return importAll(service, console);
        }
        ObjectNode totals = importFile(service, project, input, null, console);
        if (console.json()) {
            console.print(totals);
        } else {
            Importer.print(totals, console);
        }
        return ExitCodes.OK;
    }

    /** A whole service's backup: each project's file, then the stored policies; answers 4 when a policy was refused. */
    private int importAll(ServiceClient service, Console console) {
        if (input == null || !Files.isDirectory(input)) {
            throw new CliException(ExitCodes.USAGE, "--all reads a backup's directory: name it with --input");
        }
        JsonNode manifest = Backup.manifest(input);
        // Everything is read and checked before the first write: the projects' files by name, the policies.
        java.util.Map<String, ExportFiles.Checked> files = new java.util.LinkedHashMap<>();
        java.util.Map<String, Path> paths = new java.util.HashMap<>();
        for (JsonNode entry : manifest.path("projects")) {
            String each = entry.path("project").asText();
            Path file = Backup.fileOf(input, each, ExitCodes.USAGE);
            if (!Files.isReadable(file)) {
                throw new CliException(ExitCodes.USAGE, "the backup lacks the file of project " + each + ": " + file);
            }
            files.put(each, ExportFiles.checkWhole(file));
            paths.put(each, file);
        }
        JsonNode policies = Backup.policies(input);
        boolean withCredentials = manifest.has("credentials");
        java.util.List<String> credentials = withCredentials && includeCredentials
                ? Credentials.read(input.resolve(Credentials.FILE)) : java.util.List.of();
        if (!credentials.isEmpty() && !dryRun) {
            Credentials.send(service, credentials, true); // checked by the service before the first project is written
        }
        if (withCredentials && !includeCredentials) {
            console.note("the backup's API keys and sessions are left out: add --include-credentials to import them");
        } else if (!withCredentials && includeCredentials) {
            console.note("warning: the backup holds no API keys or sessions (its export lacked the rights to read them)");
        }
        ObjectNode answer = ServiceClient.JSON.createObjectNode().put("from", manifest.path("from").asText());
        ArrayNode imported = answer.putArray("imported");
        for (java.util.Map.Entry<String, ExportFiles.Checked> entry : files.entrySet()) {
            String each = entry.getKey();
            ObjectNode totals = importFile(service, each, paths.get(each), entry.getValue(), console);
            imported.add(totals);
            if (!console.json()) {
                console.line(each + ": " + (dryRun ? "would write " : "written ") + Console.count(totals.path("written").asLong())
                        + " of " + Console.count(totals.path("entries").asLong()) + " entries, "
                        + Console.count(totals.path("unchanged").asLong()) + " unchanged, "
                        + Console.count(totals.path("conflicts").asLong()) + " conflicts; progress operations: "
                        + Console.count(totals.path("operationsWritten").asLong()) + (dryRun ? " would be stored, " : " stored, ")
                        + Console.count(totals.path("operationsExisting").asLong()) + " held already, "
                        + Console.count(totals.path("operationsExpired").asLong()) + " expired");
            }
        }
        ObjectNode copied = PoliciesCommand.copy(policies, service, mode, dryRun);
        answer.set("policies", copied);
        if (!console.json()) {
            console.line("rate-limit policies: " + (dryRun ? "would write " : "written ") + copied.path("written").size()
                    + ", unchanged " + copied.path("unchanged").asLong() + ", kept " + copied.path("kept").size()
                    + (copied.path("refused").isEmpty() ? "" : ", refused " + copied.path("refused")));
        }
        boolean clean = copied.path("refused").isEmpty() && !(includeCredentials && !withCredentials);
        if (!credentials.isEmpty()) {
            ObjectNode report = Credentials.send(service, credentials, dryRun);
            answer.set("credentials", report);
            if (!console.json()) {
                console.line("credentials: " + Credentials.summary(report, dryRun));
            }
            clean &= report.path("apikeyConflicts").asLong() == 0;
        }
        if (console.json()) {
            console.print(answer);
        }
        return clean ? ExitCodes.OK : ExitCodes.ATTENTION;
    }

    /**
     * One export file (standard input when null) into the project: checked whole (unless {@code checkedBefore}
     * says it was already), then sent in batches; answers the totals.
     */
    private ObjectNode importFile(ServiceClient service, String project, Path input, ExportFiles.Checked checkedBefore,
            Console console) {
        Path file = input;
        Path spooled = null;
        try {
            if (file == null) {
                spooled = Files.createTempFile("cache-domain-import", ".jsonl");
                try (InputStream in = System.in) {
                    Files.copy(in, spooled, StandardCopyOption.REPLACE_EXISTING);
                }
                file = spooled;
            }
            ExportFiles.Checked checked = checkedBefore != null ? checkedBefore : ExportFiles.checkWhole(file);
            if (mode.equals("replace") && !dryRun) {
                // A replace empties the project with its first batch: every batch is judged first, nothing written.
                send(service, project, file, checked, new Importer(service, project, mode, true, false), ProgressReport.none(), console);
            }
            ProgressReport report = noProgress || dryRun ? ProgressReport.none()
                    : ProgressReport.start(service, project, "import", checked.records(), "importing a file", console);
            Importer importer = new Importer(service, project, mode, dryRun, false);
            try {
                send(service, project, file, checked, importer, report, console);
            } catch (RuntimeException e) {
                report.fail("the import stopped: " + (e instanceof ServiceException s ? "the service answered " + s.status() : "see the command's output"));
                throw e;
            }
            report.complete(Console.count(importer.totals().path("written").asLong()) + " written, "
                    + Console.count(importer.totals().path("unchanged").asLong()) + " unchanged, "
                    + Console.count(importer.totals().path("conflicts").asLong()) + " conflicts");
            return importer.totals();
        } catch (IOException | UncheckedIOException e) {
            throw new CliException(ExitCodes.REFUSED, "cannot read the export: " + e.getMessage());
        } finally {
            if (spooled != null) {
                try {
                    Files.deleteIfExists(spooled);
                } catch (IOException e) {
                    // a temporary file: the system's to clean
                }
            }
        }
    }

    /** Reads the checked file again and sends it in batches. */
    private void send(ServiceClient service, String project, Path file, ExportFiles.Checked checked, Importer importer,
            ProgressReport report, Console console) throws IOException {
        ProgressBar bar = new ProgressBar(console.err(), (importer.totals().path("dryRun").asBoolean() ? "checking " : "importing ") + project);
        long sent = 0;
        try (BufferedReader reader = ExportFiles.reader(Files.newInputStream(file))) {
            Iterator<ExportLine> lines = ExportLine.read(reader);
            ExportLine header = lines.next(); // checked
            ImportBatch current = new ImportBatch(header);
            while (lines.hasNext()) {
                ExportLine line = lines.next();
                if (line.type().equals("end")) {
                    break;
                }
                current.add(line);
                if (current.records() >= batch || current.size() >= BATCH_BYTES) {
                    sent += current.records();
                    importer.send(current);
                    bar.update(sent, checked.records(), "entries");
                    report.advance(sent);
                    current = new ImportBatch(header);
                }
            }
            if (!current.isEmpty() || importer.totals().path("batches").asLong() == 0) {
                importer.send(current);
            }
            report.advance(checked.records());
        } finally {
            bar.finish();
        }
    }

    /** The project's live entries as its statistics count them, or -1 when the key may not read them. */
    static long entries(ServiceClient service, String project) {
        try {
            return service.get(ServiceClient.path("/v1/projects/%s/cache-stats", project)).path("entries").asLong(-1);
        } catch (ServiceException e) {
            if (e.status() == 403) {
                return -1;
            }
            throw e;
        }
    }
}
