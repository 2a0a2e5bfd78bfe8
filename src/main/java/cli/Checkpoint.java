package cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * Where a migration stands, kept in a file so that a run that was stopped continues where it left
 * off: for each project, the last key of the last batch the target acknowledged, and whether the
 * project is done. It is written after every acknowledged batch, whole, by a write to a temporary
 * file, a sync and a rename, so a crash leaves either the previous state or the new one. A batch
 * sent but not acknowledged before the crash is sent again: the import finds those entries
 * unchanged, so nothing is written twice.
 */
final class Checkpoint {

    static final String FORMAT = "cache-domain-migration-checkpoint";

    private final Path file;
    private final ObjectNode state;

    private Checkpoint(Path file, ObjectNode state) {
        this.file = file;
        this.state = state;
    }

    /**
     * The checkpoint in {@code file}, or a new one; fails when the file is of a migration between other
     * services or in another mode (a merge resumed as a replace would never empty the target), or when
     * another run holds it. The run holds it until it exits.
     */
    static Checkpoint open(Path file, String from, String to, String mode) {
        if (file != null) {
            lock(file);
        }
        if (file != null && Files.exists(file)) {
            JsonNode read;
            try {
                read = ServiceClient.JSON.readTree(file.toFile());
            } catch (IOException e) {
                throw new CliException(ExitCodes.USAGE, "cannot read the checkpoint " + file + ": " + e.getMessage());
            }
            if (read == null || !FORMAT.equals(read.path("format").asText())) {
                throw new CliException(ExitCodes.USAGE, file + " is not a migration checkpoint");
            }
            if (!from.equals(read.path("from").asText()) || !to.equals(read.path("to").asText())) {
                throw new CliException(ExitCodes.USAGE, "the checkpoint " + file + " is of a migration from "
                        + read.path("from").asText() + " to " + read.path("to").asText() + "; use another file");
            }
            if (!mode.equals(read.path("mode").asText("merge"))) {
                throw new CliException(ExitCodes.USAGE, "the checkpoint " + file + " is of a migration in mode "
                        + read.path("mode").asText() + "; resume it in that mode, or use another file");
            }
            if (!read.path("projects").isObject()) {
                throw new CliException(ExitCodes.USAGE, file + " is not a migration checkpoint");
            }
            return new Checkpoint(file, (ObjectNode) read);
        }
        ObjectNode state = ServiceClient.JSON.createObjectNode().put("format", FORMAT).put("version", 1).put("from", from).put("to", to)
                .put("mode", mode);
        state.putObject("projects");
        return new Checkpoint(file, state);
    }

    /** Holds {@code FILE.lock} for the rest of this process (the system lets it go when the process ends, however it ends). */
    private static void lock(Path file) {
        try {
            FileChannel channel = FileChannel.open(file.resolveSibling(file.getFileName() + ".lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            if (channel.tryLock() == null) {
                channel.close();
                throw new CliException(ExitCodes.USAGE, "another migration is using the checkpoint " + file);
            }
            HELD.add(channel);
        } catch (java.nio.channels.OverlappingFileLockException e) {
            throw new CliException(ExitCodes.USAGE, "another migration is using the checkpoint " + file);
        } catch (IOException e) {
            throw new CliException(ExitCodes.USAGE, "cannot lock the checkpoint " + file + ": " + e.getMessage());
        }
    }

    /** The locks this process holds: referenced, so that they are not collected (and let go) before it exits. */
    private static final java.util.List<FileChannel> HELD = new java.util.ArrayList<>();

    boolean isDone(String project) {
        return state.path("projects").path(project).path("done").asBoolean(false);
    }

    /** The last key the target acknowledged for the project, if a run began it. */
    Optional<String> after(String project) {
        JsonNode after = state.path("projects").path(project).path("after");
        return after.isTextual() ? Optional.of(after.asText()) : Optional.empty();
    }

    /** Whether a run has sent the project a batch already (a replace must not run twice). */
    boolean isStarted(String project) {
        return state.path("projects").has(project);
    }

    /** The target acknowledged a batch ending at {@code lastKey} (none: a batch of no entries). */
    void acknowledged(String project, String lastKey, JsonNode report) {
        ObjectNode entry = entry(project);
        if (lastKey != null) {
            entry.put("after", lastKey);
        }
        entry.put("written", entry.path("written").asLong() + report.path("written").asLong());
        entry.put("unchanged", entry.path("unchanged").asLong() + report.path("unchanged").asLong());
        entry.put("conflicts", entry.path("conflicts").asLong() + report.path("conflicts").asLong());
        save();
    }

    void done(String project) {
        entry(project).put("done", true);
        save();
    }

    /** What the runs so far wrote into the project, as kept here (written, unchanged, conflicts). */
    JsonNode of(String project) {
        return state.path("projects").path(project);
    }

    private ObjectNode entry(String project) {
        ObjectNode projects = (ObjectNode) state.path("projects");
        return projects.has(project) ? (ObjectNode) projects.get(project) : projects.putObject(project);
    }

    private void save() {
        if (file == null) {
            return;
        }
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.write(temporary, ServiceClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(state));
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            try {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new CliException(ExitCodes.UNAVAILABLE, "cannot write the checkpoint " + file + ": " + e.getMessage());
        }
    }
}
