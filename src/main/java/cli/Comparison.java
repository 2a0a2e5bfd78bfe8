package cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Iterator;

/**
 * A migration's validation for one project: the exports of source and target read side by side in
 * key order (every store exports in the same order; keys are ASCII), entry by entry, holding one
 * line of each at a time. An entry matches when the target has it with the same value (its JSON
 * exactly, numbers as written), tags and creation, an expiry within {@value #TTL_TOLERANCE_MILLIS}
 * ms and a version no lower. Entries that expire within {@value #SETTLING_MILLIS} ms of being read,
 * on either side, are left out (and counted as settling): they may be gone from one side by the time
 * the other is read.
 */
final class Comparison {

    static final long TTL_TOLERANCE_MILLIS = 1_000;
    static final long SETTLING_MILLIS = 2_000;
    /** Mismatches listed per kind at most; all are counted. */
    static final int LISTED = 100;

    private final ObjectNode result = ServiceClient.JSON.createObjectNode();
    private long sourceEntries;
    private long targetEntries;
    private long matched;
    private long missing;
    private long extra;
    private long valueMismatches;
    private long ttlMismatches;
    private long metadataMismatches;
    private long settling;
    private long maxDrift;

    private Comparison(String project) {
        result.put("project", project);
        result.putArray("missing");
        result.putArray("extra");
        result.putArray("valueMismatches");
        result.putArray("ttlMismatches");
        result.putArray("metadataMismatches");
    }

    /** Compares the project's exports from both services. */
    static ObjectNode of(ServiceClient source, ServiceClient target, String project) {
        String path = ServiceClient.path("/v1/admin/projects/%s/export", project);
        try (BufferedReader left = ExportFiles.reader(source.download(path));
                BufferedReader right = ExportFiles.reader(target.download(path))) {
            return of(left, right, project);
        } catch (IOException | UncheckedIOException e) {
            throw new CliException(ExitCodes.UNAVAILABLE, "reading the exports of " + project + " failed: " + e.getMessage());
        }
    }

    /** Compares two exports of the project, read from these readers. */
    static ObjectNode of(BufferedReader source, BufferedReader target, String project) {
        return new Comparison(project).compare(entries(ExportLine.read(source), "source"), entries(ExportLine.read(target), "target"));
    }

    /** The cache lines of an export, checked to be complete once read to the end. */
    private static Iterator<ExportLine> entries(Iterator<ExportLine> lines, String side) {
        if (!lines.hasNext()) {
            throw new CliException(ExitCodes.UNAVAILABLE, "the " + side + "'s export is empty");
        }
        ExportFiles.checkHeader(lines.next());
        return new Lookahead<>() {
            private long records;
            private boolean ended;

            @Override
            protected ExportLine fetch() {
                while (!ended) {
                    if (!lines.hasNext()) {
                        throw new CliException(ExitCodes.UNAVAILABLE, "the " + side + "'s export is incomplete: it has no end line");
                    }
                    ExportLine line = lines.next();
                    switch (line.type()) {
                        case "cache" -> {
                            records++;
                            return line;
                        }
                        case "error" -> throw new CliException(ExitCodes.UNAVAILABLE, "the " + side + "'s export stopped: "
                                + line.json().path("detail").asText());
                        case "end" -> {
                            if (line.json().path("records").asLong() != records) {
                                throw new CliException(ExitCodes.UNAVAILABLE, "the " + side + "'s export is incomplete: its end "
                                        + "line counts " + line.json().path("records").asText() + " entries, it holds " + records);
                            }
                            ended = true;
                        }
                        default -> {
                        }
                    }
                }
                return null;
            }
        };
    }

    private ObjectNode compare(Iterator<ExportLine> source, Iterator<ExportLine> target) {
        Iterator<ExportLine> left = compared(source, "source");
        Iterator<ExportLine> right = compared(target, "target");
        ExportLine s = advance(left);
        ExportLine t = advance(right);
        while (s != null || t != null) {
            int order = s == null ? 1 : t == null ? -1 : s.key().compareTo(t.key());
            if (order < 0) {
                sourceEntries++;
                missing++;
                list("missing", ServiceClient.JSON.getNodeFactory().textNode(s.key()));
                s = advance(left);
            } else if (order > 0) {
                targetEntries++;
                extra++;
                list("extra", ServiceClient.JSON.getNodeFactory().textNode(t.key()));
                t = advance(right);
            } else {
                sourceEntries++;
                targetEntries++;
                match(s.json(), t.json());
                s = advance(left);
                t = advance(right);
            }
        }
        boolean consistent = missing == 0 && valueMismatches == 0 && ttlMismatches == 0 && metadataMismatches == 0;
        result.put("consistent", consistent)
                .put("keyCountMatch", missing == 0 && extra == 0)
                .put("sourceEntries", sourceEntries).put("targetEntries", targetEntries).put("matched", matched)
                .put("missingCount", missing).put("extraCount", extra).put("valueMismatchCount", valueMismatches)
                .put("ttlMismatchCount", ttlMismatches).put("metadataMismatchCount", metadataMismatches)
                .put("maxTtlDriftMillis", maxDrift).put("settling", settling);
        return result;
    }

    /**
     * The entries of one side worth comparing: those not about to expire (counted apart), each checked
     * to come after the one before, as every export lists them; a side out of order is an error, not a
     * flood of false differences.
     */
    private Iterator<ExportLine> compared(Iterator<ExportLine> entries, String side) {
        return new Lookahead<>() {
            private String last;

            @Override
            protected ExportLine fetch() {
                while (entries.hasNext()) {
                    ExportLine line = entries.next();
                    if (last != null && line.key().compareTo(last) <= 0) {
                        throw new CliException(ExitCodes.UNAVAILABLE, "the " + side + "'s export is not in key order at line "
                                + line.number() + " (" + line.key() + " after " + last + ")");
                    }
                    last = line.key();
                    if (line.json().path("ttlMillis").asLong() >= SETTLING_MILLIS) {
                        return line;
                    }
                    settling++;
                }
                return null;
            }
        };
    }

    private void match(JsonNode s, JsonNode t) {
        String key = s.path("key").asText();
        boolean ok = true;
        // As text: Jackson finds 1.50 and 1.5 equal, but the service keeps numbers as written, so they are not.
        if (!s.path("value").toString().equals(t.path("value").toString())) {
            valueMismatches++;
            ok = false;
            list("valueMismatches", ServiceClient.JSON.createObjectNode().put("key", key)
                    .put("source", digest(s.path("value"))).put("target", digest(t.path("value"))));
        }
        long drift = Math.abs(millis(s, "expiresAt") - millis(t, "expiresAt"));
        maxDrift = Math.max(maxDrift, drift);
        if (drift > TTL_TOLERANCE_MILLIS) {
            ttlMismatches++;
            ok = false;
            list("ttlMismatches", ServiceClient.JSON.createObjectNode().put("key", key).put("source", s.path("expiresAt").asText())
                    .put("target", t.path("expiresAt").asText()).put("driftMillis", drift));
        }
        for (String field : new String[] {"tags", "createdAt"}) {
            if (!s.path(field).equals(t.path(field))) {
                ok = metadata(key, field, s.path(field), t.path(field)) && ok;
            }
        }
        if (t.path("version").asLong() < s.path("version").asLong()) {
            ok = metadata(key, "version", s.path("version"), t.path("version")) && ok;
        }
        if (ok) {
            matched++;
        }
    }

    private boolean metadata(String key, String field, JsonNode source, JsonNode target) {
        metadataMismatches++;
        ObjectNode mismatch = ServiceClient.JSON.createObjectNode().put("key", key).put("field", field);
        mismatch.set("source", source);
        mismatch.set("target", target);
        list("metadataMismatches", mismatch);
        return false;
    }

    private void list(String kind, JsonNode item) {
        ArrayNode listed = (ArrayNode) result.path(kind);
        if (listed.size() < LISTED) {
            listed.add(item);
        }
    }

    private static ExportLine advance(Iterator<ExportLine> lines) {
        return lines.hasNext() ? lines.next() : null;
    }

    private static long millis(JsonNode line, String field) {
        return Instant.parse(line.path(field).asText()).toEpochMilli();
    }

    /** SHA-256 of a value's JSON as exported, to name it without showing it (values may be secrets). */
    static String digest(JsonNode value) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(value.toString().getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A validation as lines for a person. */
    static void print(JsonNode v, Console console) {
        console.line(v.path("project").asText() + ": " + (v.path("consistent").asBoolean() ? "consistent" : "DIFFERENT")
                + " - source " + Console.count(v.path("sourceEntries").asLong()) + " entries, target "
                + Console.count(v.path("targetEntries").asLong()) + ", matched " + Console.count(v.path("matched").asLong())
                + ", largest expiry drift " + v.path("maxTtlDriftMillis").asLong() + " ms");
        printList(v, "missing", "missingCount", "missing in the target", console);
        printList(v, "valueMismatches", "valueMismatchCount", "values differ", console);
        printList(v, "ttlMismatches", "ttlMismatchCount", "expiries differ by more than 1 s", console);
        printList(v, "metadataMismatches", "metadataMismatchCount", "tags, creation or version differ", console);
        printList(v, "extra", "extraCount", "only in the target", console);
    }

    private static void printList(JsonNode v, String kind, String counted, String title, Console console) {
        JsonNode items = v.path(kind);
        long count = v.path(counted).asLong(items.size());
        if (items.isEmpty()) {
            return;
        }
        console.line("  " + title + " (" + Console.count(count) + "):");
        for (JsonNode item : items) {
            console.line("    " + (item.isTextual() ? item.asText() : item.toString()));
        }
        if (count > items.size()) {
            console.line("    ... and " + Console.count(count - items.size()) + " more");
        }
    }
}
