package cli;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Part of an export, made a whole import file of its own: the export's header, a run of its record
 * lines as they were, and an end line that counts them. So a project of any size crosses in files
 * the service's import limit takes, each checked and written on its own. It remembers where each of
 * its lines was in the export, to name a line the service refuses by its number there.
 */
final class ImportBatch {

    private final ExportLine header;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private final List<Long> numbers = new ArrayList<>();
    private long records;
    private long unreadable;
    private long operations;
    private long tasks;
    private String lastKey;

    ImportBatch(ExportLine header) {
        this.header = header;
    }

    /** Adds a record line ({@code cache}, {@code unreadable}, or a type this version does not know: forwarded, the service skips it). */
    void add(ExportLine line) {
        numbers.add(line.number());
        switch (line.type()) {
            case "cache" -> records++;
            case "unreadable" -> unreadable++;
            case "progress" -> operations++;
            case "task" -> tasks++;
            default -> {
            }
        }
        if (line.json().has("key")) {
            lastKey = line.key();
        }
        byte[] bytes = line.text().getBytes(StandardCharsets.UTF_8);
        body.write(bytes, 0, bytes.length);
        body.write('\n');
    }

    boolean isEmpty() {
        return numbers.isEmpty();
    }

    long records() {
        return records;
    }

    long size() {
        return body.size();
    }

    /** The number in the export of this batch's first record line (of its header when it holds none). */
    long firstLine() {
        return numbers.isEmpty() ? header.number() : numbers.get(0);
    }

    /**
     * The number in the export of the batch file's line {@code n} (from 1): the header for 1, a record
     * line for the lines after it; 0 for the end line the batch adds.
     */
    long lineInExport(long n) {
        if (n <= 1) {
            return header.number();
        }
        return n - 2 < numbers.size() ? numbers.get((int) (n - 2)) : 0;
    }

    /** The key of its last line that has one: where a resumed export starts after. */
    String lastKey() {
        return lastKey;
    }

    /** The batch's file as the import endpoint takes it. */
    byte[] file() {
        byte[] head = (header.text() + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] end = ("{\"type\":\"end\",\"records\":" + records + ",\"unreadable\":" + unreadable + ",\"progress\":" + operations
                + ",\"tasks\":" + tasks + "}\n").getBytes(StandardCharsets.UTF_8);
        byte[] file = new byte[head.length + body.size() + end.length];
        System.arraycopy(head, 0, file, 0, head.length);
        System.arraycopy(body.toByteArray(), 0, file, head.length, body.size());
        System.arraycopy(end, 0, file, head.length + body.size(), end.length);
        return file;
    }
}
