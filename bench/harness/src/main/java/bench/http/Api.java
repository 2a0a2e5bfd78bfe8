package bench.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Blocking calls to the service for setting up a benchmark (keys, policies, fixtures), never for load. */
public final class Api {

    public static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    public Api(String base) {
        this.base = base;
    }

    /** A response: its status and its body parsed as JSON (null when empty or not JSON). */
    public record Answer(int status, JsonNode body, String text) {

        public boolean ok() {
            return status >= 200 && status < 300;
        }

        public Answer expectOk(String what) {
            if (!ok()) {
                throw new IllegalStateException(what + " answered " + status + ": " + text);
            }
            return this;
        }
    }

    /**
     * {@link #send}, again after a second while the service answers 503 (at most five times): a
     * service just started on a busy machine may time out its first store calls. Only for setup
     * calls that may safely run twice.
     */
    public Answer sendPatiently(String method, String path, String key, Object body) {
        Answer answer = send(method, path, key, body);
        for (int attempt = 1; attempt < 5 && answer.status() == 503; attempt++) {
            pause();
            answer = send(method, path, key, body);
        }
        return answer;
    }

    static void pause() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    public Answer send(String method, String path, String key, Object body) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
            if (key != null) {
                request.header("Authorization", "Bearer " + key);
            }
            if (body != null) {
                request.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(body instanceof String s ? s : JSON.writeValueAsString(body)));
            } else {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = null;
            String text = response.body();
            if (text != null && !text.isBlank() && (text.startsWith("{") || text.startsWith("["))) {
                json = JSON.readTree(text);
            }
            return new Answer(response.statusCode(), json, text);
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** The Prometheus text of {@code /q/metrics}. */
    public String metrics() {
        return send("GET", "/q/metrics", null, null).text();
    }

    /** The value of one Prometheus counter (summed over its label sets), 0 when absent. */
    public static double counter(String metrics, String name) {
        return counter(metrics, name, "");
    }

    /** The value of one Prometheus counter summed over the label sets that contain {@code label}, 0 when absent. */
    public static double counter(String metrics, String name, String label) {
        double sum = 0;
        for (String line : metrics.split("\n")) {
            if ((line.startsWith(name + " ") || line.startsWith(name + "{")) && line.contains(label)) {
                // name{labels} value [timestamp]; a label's value may hold spaces (the JIT's compiler="HotSpot 64-Bit ...")
                int labelsEnd = line.startsWith(name + "{") ? line.lastIndexOf('}') : name.length();
                sum += Double.parseDouble(line.substring(labelsEnd + 1).trim().split("\\s+")[0]);
            }
        }
        return sum;
    }
}
