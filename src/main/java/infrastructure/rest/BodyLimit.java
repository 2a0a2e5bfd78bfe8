package infrastructure.rest;

import domain.cache.CachePolicy;
import infrastructure.config.ImportConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import java.io.ByteArrayInputStream;
import java.util.function.Consumer;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Reads a request's body, whatever its framing, and refuses it with a 413 problem the moment more
 * than the limit has arrived: the rest is never read (the request is paused and the connection
 * closed after the answer). Runs after routing and after {@link EndpointAccess}, so a caller who
 * may not use the endpoint is refused before any of the body is read.
 *
 * <p>The limit is eight times the value limit plus 64 KiB ({@link #bound(long)}): room for JSON
 * escapes (up to six bytes per character), pretty-printing and the other fields. A project's import,
 * whose body is a whole export file, has the import limit instead, one at a time per instance. A body that
 * declares a larger Content-Length is refused before routing by {@link HttpEdge}; the HTTP layer's
 * own {@code quarkus.http.limits.max-body-size} is tied to the same bound (see
 * {@code infrastructure.config.EnvironmentAliases}).
 *
 * <p>The body is collected on the event loop as it arrives, without blocking, and handed to the
 * resource as a stream in memory, so RESTEasy Reactive never reads it again.
 */
public class BodyLimit {

    /**
     * The paths of a project's import and of the credentials' import, whose body is a whole export file, with a
     * limit of its own: a project's only with a well-formed project id, the ones {@link EndpointAccess} checked the caller's access to
     * before any body is read.
     */
    private static final java.util.regex.Pattern IMPORT = java.util.regex.Pattern.compile(
            "/v1/admin/(projects/[a-z0-9][a-z0-9_-]{0,63}|credentials)/import");
    /** Import bodies held at once on this instance: one (each may be as large as the import limit). */
    private static final java.util.concurrent.Semaphore IMPORTS = new java.util.concurrent.Semaphore(1);

    private final long maxBodyBytes;
    private final long maxImportBytes;

    public BodyLimit(CachePolicy policy, ImportConfig imports) {
        this.maxBodyBytes = bound(policy.maxValueBytes());
        this.maxImportBytes = imports.maxBytes();
    }

    /** The limit of a request's body: an import's, or every other request's. */
    static long limitFor(String path, long maxBodyBytes, long maxImportBytes) {
        // Every write passes here: only a path that ends as an import's pays for the regular expression.
        return path != null && path.endsWith("/import") && IMPORT.matcher(path).matches() ? maxImportBytes : maxBodyBytes;
    }

    /** The largest body, in bytes, for a value limit of {@code maxValueBytes}. */
    public static long bound(long maxValueBytes) {
        return maxValueBytes * 8 + 64 * 1024;
    }

    /** The problem for a body over the limit; the connection closes after it, with the rest of the body unread. */
    static Problem tooLarge(long maxBodyBytes) {
        return Problem.Type.PAYLOAD_TOO_LARGE.with("the body is larger than the limit of " + maxBodyBytes + " bytes");
    }

    @ServerRequestFilter(priority = Priorities.AUTHORIZATION + 100)
    public Uni<Response> readWithinLimit(ContainerRequestContext request, RoutingContext context) {
        HttpServerRequest http = context.request();
        if (!hasBody(http)) {
            return Uni.createFrom().nullItem();
        }
        long maxBodyBytes = limitFor(http.path(), this.maxBodyBytes, maxImportBytes);
        if (maxBodyBytes == maxImportBytes && maxImportBytes != this.maxBodyBytes) {
            if (!IMPORTS.tryAcquire()) {
                http.pause();
                context.addEndHandler(answered -> abandon(http));
                return Uni.createFrom().item(Problem.Type.QUOTA_EXCEEDED.with("an import is being read or written on this "
                        + "instance; import again once it has ended").toResponse().header("Connection", "close").build());
            }
            context.addEndHandler(answered -> IMPORTS.release());
        }
        return readWithin(context, maxBodyBytes, body -> request.setEntityStream(new ByteArrayInputStream(body.getBytes())));
    }

    /**
     * Collects the request's body as it arrives and hands it {@code whole} once it ended: null then, else
     * the problem that refused it (413 the moment more than {@code maxBodyBytes} arrived, the rest left
     * unread; 400 when the body broke off).
     */
    static Uni<Response> readWithin(RoutingContext context, long maxBodyBytes, Consumer<Buffer> whole) {
        HttpServerRequest http = context.request();
        return Uni.createFrom().emitter(emitter -> {
            Buffer body = Buffer.buffer();
            boolean[] refused = {false};
            http.handler(chunk -> {
                if (refused[0]) {
                    return;
                }
                if ((long) body.length() + chunk.length() > maxBodyBytes) {
                    refused[0] = true;
                    http.pause();
                    context.addEndHandler(answered -> abandon(http));
                    emitter.complete(tooLarge(maxBodyBytes).toResponse().header("Connection", "close").build());
                    return;
                }
                body.appendBuffer(chunk);
            });
            http.exceptionHandler(failure -> {
                // The client went away or broke the framing: nothing to parse, and no fault of the service to log.
                if (!refused[0]) {
                    refused[0] = true;
                    emitter.complete(Problem.Type.VALIDATION.response("the body ended before it was complete"));
                }
            });
            http.endHandler(end -> {
                if (!refused[0]) {
                    whole.accept(body);
                    emitter.complete(null);
                }
            });
            if ("100-continue".equalsIgnoreCase(http.getHeader(HttpHeaders.EXPECT))) {
                http.response().writeContinue();
            }
            http.resume();
        });
    }

    /**
     * Drops the rest of a refused body once the answer is out: the connection is closed (HTTP/1.x)
     * or the stream reset (HTTP/2). Left open, the HTTP server would go on reading the body to its
     * end, however long, to reuse the connection.
     */
    static void abandon(HttpServerRequest http) {
        if (http.version() == HttpVersion.HTTP_2) {
            http.response().reset();
        } else {
            http.connection().close();
        }
    }

    /** An HTTP/2 request may send a body with neither header: it has one until its stream ended. */
    static boolean hasBody(HttpServerRequest http) {
        return !http.isEnded() && (http.version() == HttpVersion.HTTP_2 && !isBodiless(http.method().name())
                || declaresBody(http.method().name(), http.getHeader(HttpHeaders.TRANSFER_ENCODING),
                        http.getHeader(HttpHeaders.CONTENT_LENGTH)));
    }

    private static boolean isBodiless(String method) {
        return HttpMethod.GET.name().equals(method) || HttpMethod.HEAD.name().equals(method);
    }

    /** True for a request that declares a body: not GET or HEAD, and chunked or with a Content-Length above zero. */
    static boolean declaresBody(String method, String transferEncoding, String contentLength) {
        if (HttpMethod.GET.name().equals(method) || HttpMethod.HEAD.name().equals(method)) {
            return false;
        }
        return transferEncoding != null || (contentLength != null && !contentLength.trim().equals("0"));
    }
}
