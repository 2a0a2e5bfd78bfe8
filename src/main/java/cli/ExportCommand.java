package cli;

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

    @Parameters(paramLabel = "PROJECT")
    String project;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Where to write it (default: standard output).")
    Path output;

    @Option(names = "--after", paramLabel = "KEY", description = "Only the entries after this key (to resume a cut export).")
    String after;

    @Option(names = "--no-progress", description = "Do not report the export through the project's progress capability.")
    boolean noProgress;

    @Override
    int run(ServiceClient service, Console console) {
        long total = ImportCommand.entries(service, project);
        Path partial = output == null ? null : output.resolveSibling(output.getFileName() + ".partial");
        long records = 0;
        long unreadable = 0;
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
        if (console.json() && output != null) {
            ObjectNode done = ServiceClient.JSON.createObjectNode().put("project", project).put("records", records)
                    .put("unreadable", unreadable).put("file", output.toString());
            console.print(done);
        } else {
            console.note("exported " + Console.count(records) + " entries of " + project + (output == null ? "" : " to " + output)
                    + (unreadable > 0 ? " (" + unreadable + " unreadable, named in the file)" : ""));
        }
        return ExitCodes.OK;
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // left behind: its name says it is partial
        }
    }
}
