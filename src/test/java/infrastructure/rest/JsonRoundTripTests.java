package infrastructure.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static support.Api.cacheKeyFor;
import static support.Api.freshProject;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The cache's JSON round trip over a few hundred generated documents (a fixed seed): every escape
 * class, numbers at the edges of double and long and beyond, nesting at the limit and one over,
 * empty containers, long strings, and documents with a flaw (an unpaired surrogate, a field twice).
 * What is accepted reads back equal, strings compared as decoded text and numbers by their exact
 * text; what is refused is a 400 naming the flawed field, and nothing is stored. Runs per store.
 */
abstract class JsonRoundTripTests {

    private static final long SEED = 20261201L;
    private static final int DOCUMENTS = 300;
    private static final JsonFactory JSON = new JsonFactory();

    /** One generated document: its text, and the field a refusal must name (null when it is acceptable). */
    record Document(String json, String refusedField) {
    }

    @Test
    void readsBackEveryAcceptedDocumentExactlyAndRefusesEveryFlawedOneNamingItsField() throws Exception {
        String project = freshProject();
        String key = cacheKeyFor(project);
        Generator generator = new Generator(new Random(SEED));
        // Plain HTTP for the few hundred round trips: RestAssured's own cost per request would dominate.
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        int accepted = 0;
        int refused = 0;
        for (int i = 0; i < DOCUMENTS; i++) {
            Document doc = generator.document(i);
            URI entry = URI.create("http://localhost:" + RestAssured.port + "/v1/projects/" + project + "/cache/doc-" + i);
            HttpResponse<String> written = http.send(request(entry, key)
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"value\": " + doc.json() + "}", StandardCharsets.UTF_8))
                    .build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            HttpResponse<String> read = http.send(request(entry, key).GET().build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            String story = "document " + i + ": " + written.body() + "\n" + abbreviated(doc.json());
            if (doc.refusedField() == null) {
                assertThat(written.statusCode()).as(story).isEqualTo(201);
                assertThat(read.statusCode()).as(story).isEqualTo(200);
                assertThat(tokens(valueOf(read.body()))).as(story).isEqualTo(tokens(doc.json()));
                accepted++;
            } else {
                assertThat(written.statusCode()).as(story).isEqualTo(400);
                assertThat(JsonPath.from(written.body()).<String>getList("violations.field")).as(story)
                        .containsExactly(doc.refusedField());
                assertThat(read.statusCode()).as(story).isEqualTo(404);
                refused++;
            }
        }
        assertThat(accepted).as("the generator makes both kinds").isGreaterThan(DOCUMENTS / 2);
        assertThat(refused).isGreaterThan(DOCUMENTS / 10);
    }

    private static HttpRequest.Builder request(URI uri, String key) {
        return HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30));
    }

    private static String abbreviated(String json) {
        return json.length() > 300 ? json.substring(0, 300) + "…" : json;
    }

    /** The text of the entry's value within a served entry. */
    private static String valueOf(String served) {
        return served.substring(served.indexOf("\"value\":") + 8, served.lastIndexOf(",\"version\":"));
    }

    /**
     * The document as tokens: strings and field names decoded, numbers as their exact text. Two
     * documents with the same tokens are the same JSON, whatever their escapes and whitespace.
     */
    static List<String> tokens(String json) {
        List<String> tokens = new ArrayList<>();
        try (JsonParser p = JSON.createParser(json)) {
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                tokens.add(switch (t) {
                    case FIELD_NAME -> "name:" + p.currentName();
                    case VALUE_STRING -> "string:" + p.getText();
                    case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number:" + p.getText();
                    default -> t.asString();
                });
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return tokens;
    }

    /** Writes random JSON text by hand, so that every escape class and number form appears as a client sends it. */
    static final class Generator {

        private static final String[] NUMBERS = {
            "0", "-0", "-0.0", "0.0", "1", "-1", "2.5", "2.50", "1E+2", "1e-2",
            Long.toString(Long.MAX_VALUE), Long.toString(Long.MIN_VALUE), "9223372036854775808", "-9223372036854775809",
            Double.toString(Double.MAX_VALUE), Double.toString(-Double.MAX_VALUE), Double.toString(Double.MIN_VALUE),
            "1e308", "1e-324", "1e400", "-1e400", "123456789012345678901234567890", "0.1000000000000000055511151231257827",
            "3.141592653589793238462643383279502884197", "-123456789012345678901234567890.0000000000000000000001",
        };
        /** A piece of string content: as written in JSON, and the text it decodes to. */
        private static final String[][] PIECES = {
            {"plain", "plain"}, {" ", " "}, {"\\\"", "\""}, {"\\\\", "\\"}, {"\\/", "/"}, {"\\b", "\b"}, {"\\f", "\f"},
            {"\\n", "\n"}, {"\\r", "\r"}, {"\\t", "\t"}, {"\\u0041", "A"}, {"\\u00e9", "é"}, {"é", "é"},
            {"\\u0000", "\u0000"}, {"\\u001f", "\u001f"}, {"\\uffff", "\uffff"}, {"\\uFFFE", "\ufffe"},
            {"\\u2028", "\u2028"}, {"\u2028", "\u2028"}, {"\\u2029", "\u2029"}, {"\\ud83d\\ude00", "😀"},
            {"\\uD834\\uDD1E", "𝄞"}, {"🎉", "🎉"}, {"\uD800\uDC00", "\uD800\uDC00"}, {"两", "两"}, {"\u007f", "\u007f"},
        };
        private static final String[] FLAWED_STRINGS = {"\"\\ud800\"", "\"x\\udc00\"", "\"\\ud800\\ud800\"",
            "\"\\udbff x\"", "\"\\ude00\\ud83d\""};

        private final Random random;
        /** The path of the flaw placed in the document being written, or null. */
        private String flawAt;
        private boolean flawPlanned;
        private String nestedPath;

        Generator(Random random) {
            this.random = random;
        }

        Document document(int i) {
            flawAt = null;
            int limit = JsonRules.MAX_VALUE_DEPTH;
            switch (i % 20) {
                case 0 -> {
                    return new Document(nested(limit, limit), null);
                }
                case 1 -> {
                    return new Document(nested(limit + 1 + random.nextInt(3), limit), nestedPath);
                }
                case 2 -> {
                    return new Document(random.nextBoolean() ? "{}" : "[]", null);
                }
                case 3 -> {
                    return new Document(string(500 + random.nextInt(8_000)), null);
                }
                default -> {
                    flawPlanned = i % 4 == 0;
                    String json = value("value", 1 + random.nextInt(5));
                    if (flawPlanned && flawAt == null) {
                        // No place took the flaw: put it at the top.
                        return new Document(FLAWED_STRINGS[random.nextInt(FLAWED_STRINGS.length)], "value");
                    }
                    return new Document(json, flawAt);
                }
            }
        }

        /**
         * Arrays and objects nested {@code depth} levels deep, at random, with a scalar inside; sets
         * {@link #nestedPath} to the path of the container one level below {@code limit}.
         */
        private String nested(int depth, int limit) {
            StringBuilder open = new StringBuilder();
            StringBuilder close = new StringBuilder();
            StringBuilder path = new StringBuilder("value");
            for (int level = 1; level <= depth; level++) {
                boolean array = random.nextBoolean();
                open.append(array ? "[" : "{\"k\":");
                close.insert(0, array ? ']' : '}');
                if (level <= limit) {
                    path.append(array ? "[0]" : ".k");
                }
            }
            nestedPath = path.toString();
            return open + number() + close;
        }

        private String value(String path, int depthLeft) {
            int kind = random.nextInt(depthLeft > 0 ? 10 : 6);
            switch (kind) {
                case 0, 1 -> {
                    return maybeFlawedString(path);
                }
                case 2, 3 -> {
                    return number();
                }
                case 4 -> {
                    return random.nextBoolean() ? (random.nextBoolean() ? "true" : "false") : "null";
                }
                case 5 -> {
                    return string(random.nextInt(8));
                }
                case 6, 7 -> {
                    int n = random.nextInt(5);
                    StringBuilder array = new StringBuilder("[");
                    for (int j = 0; j < n; j++) {
                        array.append(j == 0 ? "" : ", ").append(value(path + "[" + j + "]", depthLeft - 1));
                    }
                    return array.append(']').toString();
                }
                default -> {
                    int n = random.nextInt(5);
                    List<String> names = new ArrayList<>();
                    StringBuilder object = new StringBuilder("{");
                    if (flawPlanned && flawAt == null && random.nextInt(6) == 0) {
                        // A field name that is no Unicode text: the field is the object that holds it.
                        flawAt = path;
                        return object.append(FLAWED_STRINGS[random.nextInt(FLAWED_STRINGS.length)]).append(": 1}").toString();
                    }
                    for (int j = 0; j < n; j++) {
                        String[] name = name(names);
                        names.add(name[1]);
                        object.append(j == 0 ? "" : ",").append(name[0]).append(": ")
                                .append(value(path + "." + name[1], depthLeft - 1));
                    }
                    if (n > 0 && flawPlanned && flawAt == null && random.nextInt(4) == 0) {
                        // The same name again, written with other escapes: still the same name.
                        String again = names.get(random.nextInt(n));
                        object.append(", \"").append(escapeAll(again)).append("\": 1");
                        flawAt = path + "." + again;
                    }
                    return object.append('}').toString();
                }
            }
        }

        private String maybeFlawedString(String path) {
            if (flawPlanned && flawAt == null && random.nextInt(3) == 0) {
                flawAt = path;
                return FLAWED_STRINGS[random.nextInt(FLAWED_STRINGS.length)];
            }
            return string(random.nextInt(12));
        }

        private String number() {
            return switch (random.nextInt(4)) {
                case 0 -> Long.toString(random.nextLong());
                case 1 -> {
                    double d = Double.longBitsToDouble(random.nextLong());
                    yield Double.isFinite(d) ? Double.toString(d) : "1.5e-7";
                }
                default -> NUMBERS[random.nextInt(NUMBERS.length)];
            };
        }

        /** A string of {@code pieces} random pieces, as JSON text. */
        private String string(int pieces) {
            StringBuilder json = new StringBuilder("\"");
            for (int j = 0; j < pieces; j++) {
                json.append(PIECES[random.nextInt(PIECES.length)][0]);
            }
            return json.append('"').toString();
        }

        /** A field name unique among {@code taken}: its JSON text and its decoded text. */
        private String[] name(List<String> taken) {
            while (true) {
                StringBuilder json = new StringBuilder("\"");
                StringBuilder text = new StringBuilder();
                int pieces = 1 + random.nextInt(3);
                for (int j = 0; j < pieces; j++) {
                    String[] piece = PIECES[random.nextInt(PIECES.length)];
                    json.append(piece[0]);
                    text.append(piece[1]);
                }
                if (!taken.contains(text.toString())) {
                    return new String[] {json.append('"').toString(), text.toString()};
                }
            }
        }

        /** Every character as a backslash-u escape. */
        private static String escapeAll(String text) {
            StringBuilder json = new StringBuilder();
            text.chars().forEach(c -> json.append(String.format("\\u%04x", c)));
            return json.toString();
        }
    }
}
