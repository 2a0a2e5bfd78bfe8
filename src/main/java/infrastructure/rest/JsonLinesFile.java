package infrastructure.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;

/**
 * The check of a file of JSON Lines as this service exports them (docs/export-format.md): a header
 * naming the format and its version first, records, an end line last, nothing after it. It reads
 * every line, hands each record and the end line to the caller's {@link Lines}, and collects the bad
 * lines by number (the first {@value #MAX_NAMED} named, all counted), so that a file is refused whole,
 * naming what is wrong with it, before anything is written.
 *
 * @param <L> the class every line is read as (fields a type lacks are absent)
 */
final class JsonLinesFile<L extends JsonLinesFile.Line> {

    /** Bad lines named in a refusal, at most; all are counted. */
    static final int MAX_NAMED = 100;

    /** The fields every kind of line may have that the frame of the file needs. */
    interface Line {
        String type();

        String format();

        Long version();

        String detail();
    }

    /** What the caller does with the lines between the header and the end, and with the end line. */
    interface Lines<L> {

        /** A line that is neither header, end nor error; its type is not empty. Bad content is said with {@link #note}. */
        void record(int number, String type, L line);

        /** The end line, to check its counts against the records read. */
        void end(int number, L line);
    }

    private final ObjectMapper json;
    private final Class<L> type;
    private final String format;
    private final long version;
    private final List<Problem.Violation> bad = new ArrayList<>();
    private long badCount;

    JsonLinesFile(ObjectMapper json, Class<L> type, String format, long version) {
        this.json = json;
        this.type = type;
        this.format = format;
        this.version = version;
    }

    /** Reads every line of {@code file}, line feeds (or CR LF) ending them, blank lines skipped. */
    void read(byte[] file, Lines<L> lines) {
        boolean header = false;
        boolean ended = false;
        int number = 0;
        int start = 0;
        while (start < file.length) {
            int end = start;
            while (end < file.length && file[end] != '\n') {
                end++;
            }
            number++;
            int length = end - start;
            if (length > 0 && file[end - 1] == '\r') {
                length--;
            }
            int at = start;
            start = end + 1;
            if (length == 0 || isBlank(file, at, length)) {
                continue;
            }
            L line;
            try {
                line = json.readValue(file, at, length, type);
                if (line == null) {
                    note(number, "is not a JSON object: null");
                    continue;
                }
            } catch (JsonProcessingException e) {
                note(number, "is not a JSON object: " + firstLine(e.getOriginalMessage()));
                continue;
            } catch (java.io.IOException e) {
                note(number, "cannot be read: " + firstLine(e.getMessage()));
                continue;
            }
            if (ended) {
                note(number, "follows the end line");
                continue;
            }
            String kind = line.type() == null ? "" : line.type();
            if (!header) {
                if (!kind.equals("header") || !format.equals(line.format())) {
                    note(number, "must be the header of a " + format + " file: {\"type\":\"header\",\"format\":\"" + format
                            + "\",\"version\":" + version + ",...}");
                    header = true; // said once; the lines below are checked all the same
                    continue;
                }
                if (line.version() == null || line.version() != version) {
                    note(number, "names format version " + line.version() + "; this service reads version " + version);
                }
                header = true;
                continue;
            }
            switch (kind) {
                case "end" -> {
                    ended = true;
                    lines.end(number, line);
                }
                case "error" -> note(number, "says the export stopped there (" + line.detail() + "): the file is incomplete; export again");
                case "header" -> note(number, "is a second header");
                case "" -> note(number, "has no type");
                default -> lines.record(number, kind, line);
            }
        }
        if (!header) {
            note(1, "the file is empty: an export starts with its header line");
        } else if (!ended) {
            note(number + 1, "the end line is missing: the file is incomplete; export again");
        }
    }

    /** Says what is wrong with line {@code number}: {@code message} follows "line N". */
    void note(int number, String message) {
        badCount++;
        if (bad.size() < MAX_NAMED) {
            bad.add(new Problem.Violation("line " + number, "line " + number + " " + message));
        }
    }

    /** Refuses the file (a 400 naming its bad lines) when a line was found bad. */
    void throwIfBad() {
        if (badCount > 0) {
            throw new InvalidRequestException(bad, badCount + " lines of the file are not sound; nothing was written");
        }
    }

    private static boolean isBlank(byte[] file, int at, int length) {
        for (int i = at; i < at + length; i++) {
            if (file[i] != ' ' && file[i] != '\t') {
                return false;
            }
        }
        return true;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int cut = message.indexOf('\n');
        return cut < 0 ? message : message.substring(0, cut);
    }
}
