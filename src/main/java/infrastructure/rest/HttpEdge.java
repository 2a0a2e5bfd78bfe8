package infrastructure.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import domain.cache.CachePolicy;
import infrastructure.config.ImportConfig;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * What the service answers before a request reaches RESTEasy Reactive, on Vert.x's router, each as a
 * problem where the HTTP layer would answer a bare status: a request target longer than
 * {@value #MAX_TARGET_LENGTH} characters (414), headers over {@value #MAX_HEADER_BYTES} bytes together
 * (431), and a body that declares a Content-Length over the {@link BodyLimit#bound(long) limit} (413,
 * before any of it is read) or a malformed one (400). After a 413 the connection closes; a body
 * declared at most twice the limit is first read to its end and dropped, unparsed, so that a client
 * that sends it whole before reading can read the answer; a larger one is cut off at once.
 *
 * <p>The HTTP decoder's own limits ({@code quarkus.http.limits.max-initial-line-length} and
 * {@code max-header-size}, 128 KiB each in application.properties) lie far above these, so that such
 * requests reach this router. Beyond them the decoder refuses the request before any handler of the
 * service runs, and Vert.x answers its bare 414 or 431: its {@code HttpServer.invalidRequestHandler}
 * is taken when the server starts listening, and Quarkus 3.34 creates and starts the server without
 * offering a way to set it.
 */
@Singleton
public class HttpEdge {

    /** Before Quarkus's own body size check, which has the order -2. */
    static final int ORDER = -3;
    /** The longest request target (path and query), in characters; a key, a cursor and a pattern fit many times. */
    static final int MAX_TARGET_LENGTH = 8192;
    /** The most bytes all request headers may take together (names, values, separators). */
    static final int MAX_HEADER_BYTES = 20 * 1024;

    private final long maxBodyBytes;
    private final long maxImportBytes;
    private final ObjectMapper json;
    private final ShutdownDrain drain;

    public HttpEdge(CachePolicy policy, ImportConfig imports, ObjectMapper json, ShutdownDrain drain) {
        this.maxBodyBytes = BodyLimit.bound(policy.maxValueBytes());
        this.maxImportBytes = imports.maxBytes();
        this.json = json;
        this.drain = drain;
    }

    void install(@Observes Router router) {
        router.route().order(ORDER).handler(this::refuseOversizedRequests);
    }

    private void refuseOversizedRequests(RoutingContext context) {
        // In this one handler every request passes first, rather than a route of its own on the hot path.
        drain.mark(context.response());
        int target = context.request().uri().length();
        if (target > MAX_TARGET_LENGTH) {
            answer(context.response(), Problem.Type.URI_TOO_LONG.with("the request target is " + target
                    + " characters, more than the limit of " + MAX_TARGET_LENGTH), true);
            return;
        }
        long headerBytes = 0;
        for (var header : context.request().headers()) {
            headerBytes += header.getKey().length() + header.getValue().length() + 4;
        }
        if (headerBytes > MAX_HEADER_BYTES) {
            answer(context.response(), Problem.Type.HEADER_FIELDS_TOO_LARGE.with("the request's headers take " + headerBytes
                    + " bytes, more than the limit of " + MAX_HEADER_BYTES), true);
            return;
        }
        String declared = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        long maxBodyBytes = BodyLimit.limitFor(context.request().path(), this.maxBodyBytes, maxImportBytes);
        if (declared != null) {
            long length;
            try {
                length = Long.parseLong(declared.trim());
            } catch (NumberFormatException e) {
                answer(context.response(), Problem.Type.VALIDATION.with("Content-Length must be a number"), true);
                return;
            }
            if (length > maxBodyBytes) {
                // A client that writes the whole body before it reads can read the answer if the body is
                // dropped as it arrives; beyond twice the limit that costs more than the client is owed.
                if (length > 2 * maxBodyBytes) {
                    context.addEndHandler(answered -> BodyLimit.abandon(context.request()));
                }
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
