package cli;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Part of an export, made a whole import file of its own: the export's header, a run of its record
 * lines as they were, and an end line that counts them. So a project of any size crosses in files
 * the service's import limit takes, each checked and written on its own.
 */
final class ImportBatch {

    private final String header;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private long records;
    private long unreadable;
    private long lines;
    private long firstLine;
    private String lastKey;

    ImportBatch(String header) {
        this.header = header;
    }

    /** Adds a record line ({@code cache}, {@code unreadable}, or a type this version does not know: forwarded, the service skips it). */
    void add(ExportLine line) {
        if (lines == 0) {
            firstLine = line.number();
        }
        lines++;
        switch (line.type()) {
            case "cache" -> records++;
            case "unreadable" -> unreadable++;
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
        return lines == 0;
    }

    long records() {
        return records;
    }

    long size() {
        return body.size();
    }

    /** The number, in the whole export, of this batch's first record line. */
    long firstLine() {
        return firstLine;
    }

    /** The key of its last line that has one: where a resumed export starts after. */
    String lastKey() {
        return lastKey;
    }

    /** The batch's file as the import endpoint takes it. */
    byte[] file() {
        byte[] head = (header + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] end = ("{\"type\":\"end\",\"records\":" + records + ",\"unreadable\":" + unreadable + "}\n").getBytes(StandardCharsets.UTF_8);
        byte[] file = new byte[head.length + body.size() + end.length];
        System.arraycopy(head, 0, file, 0, head.length);
        System.arraycopy(body.toByteArray(), 0, file, head.length, body.size());
        System.arraycopy(end, 0, file, head.length + body.size(), end.length);
        return file;
    }
}
