package cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A whole service exported into a directory ({@code export --all}): one export file per project,
 * {@code policies.json} (the stored rate-limit policies), and {@code manifest.json}, written last,
 * naming them; {@code import --all} reads it back.
 */
final class Backup {

    static final String FORMAT = "cache-domain-backup";
    static final String MANIFEST = "manifest.json";
    static final String POLICIES = "policies.json";
    private static final java.util.regex.Pattern PROJECT = java.util.regex.Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

    private Backup() {
    }

    /** Writes {@code json} to {@code file} whole: a temporary file renamed over it. */
    static void write(Path file, JsonNode json) {
        Path temporary = file.resolveSibling(file.getFileName() + ".partial");
        try {
            Files.write(temporary, ServiceClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(json));
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException ignored) {
                // its name says it is partial
            }
            throw new CliException(ExitCodes.UNAVAILABLE, "cannot write " + file + ": " + e.getMessage());
        }
    }

    /**
     * The file of a project in the backup in {@code directory}: {@code <project>.jsonl}, the project id
     * checked against its rule first, so that no name a service (or a manifest) gives leads out of the directory.
     */
    static Path fileOf(Path directory, String project, int refused) {
        if (!PROJECT.matcher(project).matches()) {
            throw new CliException(refused, "not a project id: " + project);
        }
        return directory.resolve(project + ".jsonl");
    }

    /** The stored policies of a backup: a JSON array; read before anything is imported. */
    static JsonNode policies(Path directory) {
        try {
            JsonNode policies = ServiceClient.JSON.readTree(directory.resolve(POLICIES).toFile());
            if (policies == null || !policies.isArray()) {
                throw new CliException(ExitCodes.USAGE, directory.resolve(POLICIES) + " is not an array of policies");
            }
            return policies;
        } catch (IOException e) {
            throw new CliException(ExitCodes.USAGE, "cannot read " + directory.resolve(POLICIES) + ": " + e.getMessage());
        }
    }

    /** The manifest of the backup in {@code directory}; fails when there is none (an export --all that did not finish). */
    static JsonNode manifest(Path directory) {
        Path file = directory.resolve(MANIFEST);
        if (!Files.isReadable(file)) {
            throw new CliException(ExitCodes.USAGE, directory + " holds no " + MANIFEST + ": not a backup, or one that did not finish");
        }
        try {
            JsonNode manifest = ServiceClient.JSON.readTree(file.toFile());
            if (manifest == null || !FORMAT.equals(manifest.path("format").asText()) || !manifest.path("projects").isArray()) {
                throw new CliException(ExitCodes.USAGE, file + " is not a backup's manifest");
            }
            return manifest;
        } catch (IOException e) {
            throw new CliException(ExitCodes.USAGE, "cannot read " + file + ": " + e.getMessage());
        }
    }
}
