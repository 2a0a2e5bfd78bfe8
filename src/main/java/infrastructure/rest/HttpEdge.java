package infrastructure.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import domain.cache.CachePolicy;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * What the service answers before a request reaches RESTEasy Reactive, on Vert.x's router: a body
 * that declares a Content-Length over the {@link BodyLimit#bound(long) limit} (or a malformed one)
 * gets its problem here, ahead of the HTTP layer's own bare 413, and nothing of it is read.
 */
@Singleton
public class HttpEdge {

    /** Before Quarkus's own body size check, which has the order -2. */
    static final int ORDER = -3;

    private final long maxBodyBytes;
    private final ObjectMapper json;

    public HttpEdge(CachePolicy policy, ObjectMapper json) {
        this.maxBodyBytes = BodyLimit.bound(policy.maxValueBytes());
        this.json = json;
    }

    void install(@Observes Router router) {
        router.route().order(ORDER).handler(this::refuseDeclaredOversize);
    }

    private void refuseDeclaredOversize(RoutingContext context) {
        String declared = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (declared != null) {
            long length;
            try {
                length = Long.parseLong(declared.trim());
            } catch (NumberFormatException e) {
                answer(context.response(), Problem.Type.VALIDATION.with("Content-Length must be a number"), true);
                return;
            }
            if (length > maxBodyBytes) {
                answer(context.response(), Problem.Type.PAYLOAD_TOO_LARGE.with("the body is " + length
                        + " bytes, more than the limit of " + maxBodyBytes + " bytes"), true);
                return;
            }
        }
        context.next();
    }

    /** Writes {@code problem} as the whole answer; with {@code close}, the connection closes after it, the body unread. */
    void answer(HttpServerResponse response, Problem problem, boolean close) {
        String body;
        try {
            body = json.writeValueAsString(problem);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a problem always serializes", e);
        }
        response.setStatusCode(problem.status()).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE);
        if (close) {
            response.putHeader(HttpHeaders.CONNECTION, "close");
        }
        response.end(body);
    }
}
