package infrastructure.rest;

import domain.cache.CachePolicy;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Refuses a body too large to hold an acceptable value with a 413 problem, from its declared
 * Content-Length, before any of it is read.
 *
 * <p>The bound is eight times the value limit plus 64 KiB: room for JSON escapes (up to six bytes
 * per character), pretty-printing and the other fields. Bodies without a Content-Length meet the
 * HTTP layer's own limit ({@code quarkus.http.limits.max-body-size}), which must stay above this one.
 */
public class BodyLimit {

    private final long maxBodyBytes;

    public BodyLimit(CachePolicy policy) {
        this.maxBodyBytes = policy.maxValueBytes() * 8 + 64 * 1024;
    }

    @ServerRequestFilter(preMatching = true, priority = 100)
    public Uni<Response> refuseOversizedBodies(ContainerRequestContext request) {
        String declared = request.getHeaderString(HttpHeaders.CONTENT_LENGTH);
        if (declared == null) {
            return Uni.createFrom().nullItem();
        }
        long length;
        try {
            length = Long.parseLong(declared.trim());
        } catch (NumberFormatException e) {
            return Uni.createFrom().item(Problem.Type.VALIDATION.response("Content-Length must be a number"));
        }
        if (length > maxBodyBytes) {
            return Uni.createFrom().item(Problem.Type.PAYLOAD_TOO_LARGE.with("the body is " + length
                    + " bytes, more than the limit of " + maxBodyBytes + " bytes").toResponse()
                    .header("Connection", "close").build());
        }
        return Uni.createFrom().nullItem();
    }
}
