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

    private Backup() {
    }

    /** Writes {@code json} to {@code file} whole: a temporary file renamed over it. */
    static void write(Path file, JsonNode json) {
        Path temporary = file.resolveSibling(file.getFileName() + ".partial");
        try {
            Files.write(temporary, ServiceClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(json));
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new CliException(ExitCodes.UNAVAILABLE, "cannot write " + file + ": " + e.getMessage());
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
