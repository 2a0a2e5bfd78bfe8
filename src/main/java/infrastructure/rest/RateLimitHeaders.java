package infrastructure.rest;

import domain.ratelimit.RateLimitDecision;
import domain.ratelimit.WindowStatus;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The rate limit header fields of the IETF httpapi draft ("RateLimit header fields for HTTP"):
 * {@code RateLimit-Policy: "<policy>/<window>";q=<quota>;w=<window seconds>, ...} and
 * {@code RateLimit: "<policy>/<window>";r=<remaining>;t=<seconds to reset>, ...}, one item per
 * window of the policy, both Structured Field lists; plus {@code Retry-After} when denied.
 */
final class RateLimitHeaders {

    static final String POLICY = "RateLimit-Policy";
    static final String LIMIT = "RateLimit";

    private RateLimitHeaders() {
    }

    static Response.ResponseBuilder add(Response.ResponseBuilder response, RateLimitDecision decision) {
        String name = decision.policy().name().value();
        response.header(POLICY, policy(name, decision.windows())).header(LIMIT, limit(name, decision.windows()));
        if (decision instanceof RateLimitDecision.Denied denied) {
            response.header(HttpHeaders.RETRY_AFTER, seconds(denied.retryAfter()));
        }
        return response;
    }

    /** {@code q} is each window's quota (requests + burst): the same {@code limit} the JSON body reports. */
    static String policy(String policy, List<WindowStatus> windows) {
        return windows.stream()
                .map(w -> item(policy, w.limit().window().seconds()) + ";q=" + w.quota() + ";w=" + w.limit().window().seconds())
                .collect(Collectors.joining(", "));
    }

    static String limit(String policy, List<WindowStatus> windows) {
        return windows.stream()
                .map(w -> item(policy, w.limit().window().seconds()) + ";r=" + w.remaining() + ";t=" + seconds(w.reset()))
                .collect(Collectors.joining(", "));
    }

    /** Whole seconds, rounded up: a client that waits this long is never early. */
    static long seconds(Duration d) {
        return (d.toMillis() + 999) / 1000;
    }

    private static String item(String policy, long windowSeconds) {
        // policy names are [a-z0-9_.-]: safe inside an sf-string without escapes
        return "\"" + policy + "/" + windowSeconds + "\"";
    }
}
