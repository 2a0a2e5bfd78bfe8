package support;

import io.restassured.RestAssured;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/**
 * Timed HTTP calls to the service under test, for tests that bound how long a request may wait and
 * for concurrent clients: unlike RestAssured it never waits forever (a request that takes longer
 * than {@link #GIVE_UP} comes back as status 0) and it is safe to use from many threads.
 */
public final class Http {

    /** Far above any bound a test asserts: a call still unanswered by then is reported, not awaited. */
    public static final Duration GIVE_UP = Duration.ofSeconds(30);

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1)
            .build();

    private Http() {
    }

    /** One answer: its status (0 if none came within {@link #GIVE_UP}), body, and how long it took. */
    public record Answer(int status, String body, Duration took) {

        public long millis() {
            return took.toMillis();
        }
    }

    public static Answer get(String path, String key) {
        return call("GET", path, key, null);
    }

    public static Answer post(String path, String key, String json) {
        return call("POST", path, key, json);
    }

    public static Answer put(String path, String key, String json) {
        return call("PUT", path, key, json);
    }

    /** A request with {@code Authorization: Bearer <key>} when a key is given, JSON when a body is. */
    public static Answer call(String method, String path, String key, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port + path))
                .timeout(GIVE_UP)
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        long start = System.nanoTime();
        try {
            HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
            Answer answer = new Answer(response.statusCode(), response.body(), Duration.ofNanos(System.nanoTime() - start));
            OpenApiContract.INSTANCE.check(method, URI.create(path).getPath(), response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse(null), response.body());
            return answer;
        } catch (HttpTimeoutException e) {
            return new Answer(0, "", Duration.ofNanos(System.nanoTime() - start));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
