package cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The service's credentials (every API key and live session, as digests: {@code docs/export-format.md})
 * in a backup or a migration: read from one service's {@code GET /v1/admin/credentials/export}, sent
 * to another's {@code POST /v1/admin/credentials/import?includeCredentials=true} in batches, each a
 * complete file of at most {@value #BATCH_LINES} records and {@value #BATCH_BYTES} bytes.
 */
final class Credentials {

    /** The file of a backup's credentials: a name no project's file has (a project id starts with a letter or digit). */
    static final String FILE = "_credentials.jsonl";
    static final String FORMAT = "cache-domain-credentials";
    private static final String EXPORT = "/v1/admin/credentials/export";
    private static final String IMPORT = "/v1/admin/credentials/import?includeCredentials=true";
    static final int BATCH_LINES = 5_000;
    static final int BATCH_BYTES = 8 << 20;

    private Credentials() {
    }

    /** The service's credentials, checked whole: a header first, an end line last whose counts match. */
    static List<String> export(ServiceClient service) {
        List<String> lines = new ArrayList<>();
        try (InputStream in = service.download(EXPORT);
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (!line.isBlank()) {
                    lines.add(line);
                }
            }
        } catch (IOException e) {
            throw new CliException(ExitCodes.UNAVAILABLE, "the export of credentials from " + service.base() + " broke off: "
                    + e.getMessage());
        }
        return checked(lines, service.base().toString());
    }

    /** Writes the service's credentials to {@code file}, whole or not at all; answers its end line. */
    static JsonNode download(ServiceClient service, Path file) {
        List<String> lines = export(service);
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        try {
            Files.deleteIfExists(partial);
            // Readable by its owner only: the digests make the same secrets work wherever the file is imported.
            try {
                Files.createFile(partial, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException notPosix) {
                Files.createFile(partial);
            }
            Files.write(partial, lines, StandardCharsets.UTF_8);
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new CliException(ExitCodes.UNAVAILABLE, "cannot write " + file + ": " + e.getMessage());
        }
        return parse(lines.get(lines.size() - 1), file.toString());
    }

    /** A backup's credentials file, checked whole before anything is imported. */
    static List<String> read(Path file) {
        try {
            List<String> lines = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    lines.add(line);
                }
            }
            return checked(lines, file.toString());
        } catch (IOException e) {
            throw new CliException(ExitCodes.USAGE, "cannot read " + file + ": " + e.getMessage());
        }
    }

    /**
     * Sends the credentials to the service in batches, each checked by the service as a dry run before the
     * first is written (with {@code dryRun}, only that); answers the totals of the reports.
     */
    static ObjectNode send(ServiceClient service, List<String> lines, boolean dryRun) {
        if (!dryRun) {
            // Every batch checked by the service first: a file it refuses in part writes nothing.
            sendBatches(service, lines, true);
        }
        return sendBatches(service, lines, dryRun);
    }

    private static ObjectNode sendBatches(ServiceClient service, List<String> lines, boolean dryRun) {
        String header = lines.get(0);
        ObjectNode totals = ServiceClient.JSON.createObjectNode();
        List<String> batch = new ArrayList<>();
        long bytes = 0;
        long keys = 0;
        long sessions = 0;
        for (int i = 1; i < lines.size() - 1; i++) {
            String line = lines.get(i);
            String type = parse(line, "line " + (i + 1)).path("type").asText();
            batch.add(line);
            bytes += line.getBytes(StandardCharsets.UTF_8).length + 1L;
            keys += type.equals("apikey") ? 1 : 0;
            sessions += type.equals("session") ? 1 : 0;
            if (batch.size() >= BATCH_LINES || bytes >= BATCH_BYTES) {
                add(totals, upload(service, header, batch, keys, sessions, dryRun));
                batch.clear();
                bytes = keys = sessions = 0;
            }
        }
        if (!batch.isEmpty() || totals.isEmpty()) {
            add(totals, upload(service, header, batch, keys, sessions, dryRun));
        }
        return totals;
    }

    /** "written 3 of 3 API keys (0 held already, 0 conflicts), 1,200 of 1,200 sessions (…)". */
    static String summary(JsonNode report, boolean dryRun) {
        return (dryRun ? "would write " : "written ") + Console.count(report.path("apikeysWritten").asLong()) + " of "
                + Console.count(report.path("apikeys").asLong()) + " API keys (" + Console.count(report.path("apikeysExisting").asLong())
                + " held already, " + Console.count(report.path("apikeyConflicts").asLong()) + " conflicts"
                + (report.path("conflictingKeys").isEmpty() ? "" : ": " + report.path("conflictingKeys")) + ", "
                + Console.count(report.path("apikeysExpired").asLong()) + " expired), "
                + Console.count(report.path("sessionsWritten").asLong()) + " of " + Console.count(report.path("sessions").asLong())
                + " sessions (" + Console.count(report.path("sessionsExisting").asLong()) + " held already, "
                + Console.count(report.path("sessionsExpired").asLong()) + " ended)";
    }

    private static JsonNode upload(ServiceClient service, String header, List<String> batch, long keys, long sessions,
            boolean dryRun) {
        StringBuilder file = new StringBuilder(header).append('\n');
        batch.forEach(line -> file.append(line).append('\n'));
        file.append("{\"type\":\"end\",\"apikeys\":").append(keys).append(",\"sessions\":").append(sessions).append("}\n");
        return service.upload(IMPORT + (dryRun ? "&dryRun=true" : ""), file.toString().getBytes(StandardCharsets.UTF_8),
                "application/jsonl");
    }

    /** Adds a batch's report to the totals: counts summed, conflicting names gathered. */
    private static void add(ObjectNode totals, JsonNode report) {
        report.fields().forEachRemaining(field -> {
            if (field.getValue().isNumber()) {
                totals.put(field.getKey(), totals.path(field.getKey()).asLong() + field.getValue().asLong());
            } else if (field.getValue().isArray()) {
                (totals.has(field.getKey()) ? totals.withArray(field.getKey()) : totals.putArray(field.getKey()))
                        .addAll((com.fasterxml.jackson.databind.node.ArrayNode) field.getValue());
            } else {
                totals.set(field.getKey(), field.getValue());
            }
        });
    }

    /** The lines, once the first is a credentials header and the last an end line counting the records between. */
    private static List<String> checked(List<String> lines, String source) {
        if (lines.isEmpty() || !parse(lines.get(0), source).path("format").asText().equals(FORMAT)) {
            throw new CliException(ExitCodes.USAGE, source + " does not start with the header of a " + FORMAT + " file");
        }
        JsonNode end = parse(lines.get(lines.size() - 1), source);
        if (!end.path("type").asText().equals("end")) {
            String detail = end.path("type").asText().equals("error") ? " (" + end.path("detail").asText() + ")" : "";
            throw new CliException(ExitCodes.UNAVAILABLE, "the credentials from " + source + " are incomplete" + detail);
        }
        if (end.path("apikeys").asLong() + end.path("sessions").asLong() != lines.size() - 2) {
            throw new CliException(ExitCodes.USAGE, "the credentials from " + source + " count "
                    + (end.path("apikeys").asLong() + end.path("sessions").asLong()) + " records but hold " + (lines.size() - 2));
        }
        return lines;
    }

    private static JsonNode parse(String line, String source) {
        try {
            return ServiceClient.JSON.readTree(line);
        } catch (IOException e) {
            throw new CliException(ExitCodes.USAGE, source + " holds a line that is not JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }
}
