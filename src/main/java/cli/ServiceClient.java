package cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The service's HTTP API as the command line calls it: JSON in and out, the admin key as a bearer
 * token, every error answer turned into a {@link ServiceException}, an unreachable service into a
 * {@link CliException} with {@link ExitCodes#UNAVAILABLE}. The key is never printed.
 */
final class ServiceClient {

    /** Reads numbers exactly as written (the service keeps values verbatim; a validation compares them so). */
    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));

    private final HttpClient http;
    private final URI base;
    private final String key;
    private final Duration timeout;

    ServiceClient(URI base, String key, Duration timeout) {
        if (base.getScheme() == null || !(base.getScheme().equals("http") || base.getScheme().equals("https")) || base.getHost() == null) {
            throw new CliException(ExitCodes.USAGE, "the service's address must be an http:// or https:// URL, such as "
                    + "http://localhost:8080, not " + base);
        }
        String text = base.toString();
        this.base = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
        this.key = key;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build();
    }

    URI base() {
        return base;
    }

    /** Whether the key would cross the network in clear: plain http to a host other than this machine. */
    boolean sendsKeyInClear() {
        String host = base.getHost();
        return base.getScheme().equals("http") && !(host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]")
                || host.equals("::1"));
    }

    /** A path from a template whose {@code %s} are filled with {@code segments}, each percent-encoded. */
    static String path(String template, String... segments) {
        Object[] encoded = new Object[segments.length];
        for (int i = 0; i < segments.length; i++) {
            encoded[i] = URLEncoder.encode(segments[i], StandardCharsets.UTF_8).replace("+", "%20");
        }
        return String.format(template, encoded);
    }

    /** A query parameter's value, percent-encoded. */
    static String query(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    JsonNode get(String path) {
        return json("GET", path, null);
    }

    /**
     * Every item of a paged list ({@code {"items": [...], "nextCursor": ...}}), a thousand a page,
     * following {@code nextCursor} until it is null.
     */
    ArrayNode all(String path) {
        ArrayNode items = JSON.createArrayNode();
        String cursor = null;
        do {
            JsonNode page = get(path + (path.contains("?") ? "&" : "?") + "limit=1000" + (cursor == null ? "" : "&cursor=" + query(cursor)));
            page.path("items").forEach(items::add);
            cursor = page.path("nextCursor").isTextual() ? page.path("nextCursor").asText() : null;
        } while (cursor != null);
        return items;
    }

    JsonNode post(String path, JsonNode body) {
        return json("POST", path, body);
    }

    JsonNode put(String path, JsonNode body) {
        return json("PUT", path, body);
    }

    JsonNode delete(String path) {
        return json("DELETE", path, null);
    }

    /** A JSON call; an answer without a body (204) reads as an empty object. */
    JsonNode json(String method, String path, JsonNode body) {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(write(body));
        HttpResponse<byte[]> response = send(request(path).method(method, publisher)
                .header("Content-Type", "application/json").header("Accept", "application/json").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        return parse(response);
    }

    /** Sends {@code body} as it is (an import file), answers the JSON the service gives back. */
    JsonNode upload(String path, byte[] body, String contentType) {
        HttpResponse<byte[]> response = send(request(path).POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Content-Type", contentType).header("Accept", "application/json").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        return parse(response);
    }

    /**
     * A streamed answer (an export), its body to be read and closed by the caller. An error answer is
     * thrown as it is for {@link #json}. The timeout covers the answer's start, not its length.
     */
    InputStream download(String path) {
        HttpResponse<InputStream> response = send(request(path).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() >= 400) {
            try (InputStream body = response.body()) {
                throw failure(response.statusCode(), body.readAllBytes());
            } catch (IOException e) {
                throw unreachable(e);
            }
        }
        return response.body();
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout);
        if (key != null) {
            builder.header("Authorization", "Bearer " + key);
        }
        return builder;
    }

    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(request, handler);
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.UNAVAILABLE, "interrupted while calling " + base);
        }
    }

    private CliException unreachable(IOException e) {
        String why = e instanceof ConnectException ? "connection refused"
                : e instanceof HttpTimeoutException ? "no answer within " + timeout.toSeconds() + " s"
                : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new CliException(ExitCodes.UNAVAILABLE, "cannot reach the service at " + base + ": " + why);
    }

    private static JsonNode parse(HttpResponse<byte[]> response) {
        if (response.statusCode() >= 400) {
            throw failure(response.statusCode(), response.body());
        }
        if (response.body().length == 0) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new CliException(ExitCodes.UNAVAILABLE, "the service answered " + response.statusCode() + " with a body that is not JSON");
        }
    }

    /** The problem details of an error answer; a body that is none (a proxy's page) becomes its first line as detail. */
    private static ServiceException failure(int status, byte[] body) {
        JsonNode problem;
        try {
            problem = JSON.readTree(body);
        } catch (IOException e) {
            problem = null;
        }
        if (problem == null || !problem.isObject()) {
            ObjectNode made = JSON.createObjectNode();
            String text = new String(body, StandardCharsets.UTF_8).strip();
            made.put("detail", text.lines().findFirst().orElse(""));
            problem = made;
        }
        return new ServiceException(status, problem);
    }

    static byte[] write(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
