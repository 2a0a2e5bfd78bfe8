package cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;

/**
 * One line of an export file (docs/export-format.md): its number from 1, its text exactly as read (so
 * that what is forwarded is what was exported, numbers and all), and its JSON.
 */
record ExportLine(long number, String text, JsonNode json) {

    /** Header, cache, unreadable, end, error, or a type a later format version adds. */
    String type() {
        return json.path("type").asText("");
    }

    String key() {
        return json.path("key").asText();
    }

    /** The lines of a file the operator gave: a line that is not a JSON object is bad input ({@link ExitCodes#REFUSED}). */
    static Iterator<ExportLine> read(BufferedReader reader) {
        return read(reader, ExitCodes.REFUSED);
    }

    /**
     * The lines of a reader, one at a time; blank lines are skipped; a line that is not a JSON object
     * fails with its number and {@code malformed} as exit code (a service's stream that breaks mid-line: {@link ExitCodes#UNAVAILABLE}).
     */
    static Iterator<ExportLine> read(BufferedReader reader, int malformed) {
        return new Lookahead<>() {
            private long number;

            @Override
            protected ExportLine fetch() {
                try {
                    for (String text = reader.readLine(); text != null; text = reader.readLine()) {
                        number++;
                        if (text.isBlank()) {
                            continue;
                        }
                        JsonNode json;
                        try {
                            json = ServiceClient.JSON.readTree(text);
                        } catch (IOException e) {
                            throw new CliException(malformed, "line " + number + " is not JSON");
                        }
                        if (json == null || !json.isObject() || !json.path("type").isTextual()) {
                            throw new CliException(malformed, "line " + number + " is not an object with a type");
                        }
                        return new ExportLine(number, text, json);
                    }
                    return null;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }
}
