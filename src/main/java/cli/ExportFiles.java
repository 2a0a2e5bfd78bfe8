package cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;

/** Reading export files: their lines as UTF-8 (a malformed byte is an error, never a replaced character), and their shape. */
final class ExportFiles {

    static final String FORMAT = "cache-domain-export";
    static final int VERSION = 1;

    private ExportFiles() {
    }

    /** A whole export file's header, and the entries it holds. */
    record Checked(ExportLine header, long records) {
    }

    static BufferedReader reader(InputStream in) {
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)), 1 << 16);
    }

    /** Fails unless {@code line} is a header of a format and version this command line reads. */
    static void checkHeader(ExportLine line) {
        JsonNode json = line.json();
        if (!line.type().equals("header") || !FORMAT.equals(json.path("format").asText())) {
            throw new CliException(ExitCodes.REFUSED, "line " + line.number() + " is not the header of a cache-domain export");
        }
        if (json.path("version").asInt() != VERSION) {
            throw new CliException(ExitCodes.REFUSED, "the export is of version " + json.path("version").asText()
                    + "; this command line reads version " + VERSION);
        }
    }

    /**
     * Reads a whole file once and fails, naming the line, unless it is a complete export: a header
     * first, an end line last whose counts are those of the lines between, and no error line.
     * Answers the header line and how many entries the file holds.
     */
    static Checked checkWhole(Path file) {
        try (BufferedReader reader = reader(Files.newInputStream(file))) {
            Iterator<ExportLine> lines = ExportLine.read(reader);
            if (!lines.hasNext()) {
                throw new CliException(ExitCodes.REFUSED, file + " is empty");
            }
            ExportLine header = lines.next();
            checkHeader(header);
            long records = 0;
            long unreadable = 0;
            java.util.Set<String> keys = new java.util.HashSet<>();
            ExportLine last = header;
            while (lines.hasNext()) {
                ExportLine line = lines.next();
                if (last.type().equals("end")) {
                    throw new CliException(ExitCodes.REFUSED, "line " + line.number() + " comes after the end line");
                }
                switch (line.type()) {
                    case "cache" -> {
                        records++;
                        if (!keys.add(line.key())) {
                            throw new CliException(ExitCodes.REFUSED, "line " + line.number() + " repeats the key " + line.key()
                                    + " of an earlier line: an export holds each key once");
                        }
                    }
                    case "unreadable" -> unreadable++;
                    case "error" -> throw new CliException(ExitCodes.REFUSED, "line " + line.number()
                            + ": the export stopped where it was taken (" + line.json().path("detail").asText() + "); export again");
                    case "header" -> throw new CliException(ExitCodes.REFUSED, "line " + line.number() + " is a second header");
                    default -> {
                    }
                }
                last = line;
            }
            if (!last.type().equals("end")) {
                throw new CliException(ExitCodes.REFUSED, "the end line is missing after line " + last.number()
                        + ": the file is incomplete; export again");
            }
            if (last.json().path("records").asLong(-1) != records || last.json().path("unreadable").asLong(0) != unreadable) {
                throw new CliException(ExitCodes.REFUSED, "line " + last.number() + ": the end line counts "
                        + last.json().path("records").asText() + " entries and " + last.json().path("unreadable").asLong(0)
                        + " unreadable, the file holds " + records + " and " + unreadable);
            }
            return new Checked(header, records);
        } catch (IOException e) {
            throw new CliException(ExitCodes.REFUSED, "cannot read " + file + ": " + e.getMessage());
        } catch (UncheckedIOException e) {
            throw new CliException(ExitCodes.REFUSED, "cannot read " + file + ": " + e.getCause().getMessage());
        }
    }
}
