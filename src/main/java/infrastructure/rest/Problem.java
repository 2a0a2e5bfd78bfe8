package infrastructure.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/**
 * An RFC 9457 problem: a stable {@code type} a client can switch on, a human {@code title}, the
 * HTTP {@code status}, a {@code detail} for this occurrence, and each violation of a bad request.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@RegisterForReflection
public record Problem(String type, String title, int status, String detail, List<Violation> violations) {

    public static final String MEDIA_TYPE = "application/problem+json";
    public static final MediaType MEDIA = MediaType.valueOf(MEDIA_TYPE);

    /** One broken rule of a request: where ({@code field}) and which rule ({@code message}). */
    @RegisterForReflection
    public record Violation(String field, String message) {
    }

    /** The problem types, each with its stable URN, title and status; listed in docs/problems.md. */
    public enum Type {
        VALIDATION("validation", "Invalid request", 400),
        MALFORMED_JSON("malformed-json", "Malformed JSON", 400),
        UNAUTHENTICATED("unauthenticated", "Authentication required", 401),
        FORBIDDEN("forbidden", "Access denied", 403),
        CORS_REFUSED("cors-refused", "Cross-origin request refused", 403),
        NOT_FOUND("not-found", "Not found", 404),
        METHOD_NOT_ALLOWED("method-not-allowed", "Method not allowed", 405),
        NOT_ACCEPTABLE("not-acceptable", "Not acceptable", 406),
        CONFLICT("conflict", "Conflict", 409),
        LEASE_LOST("lease-lost", "Lease lost", 409),
        TASK_CANCELLED("task-cancelled", "Task cancelled", 409),
        PRECONDITION_FAILED("precondition-failed", "Precondition failed", 412),
        PAYLOAD_TOO_LARGE("payload-too-large", "Payload too large", 413),
        UNSUPPORTED_MEDIA_TYPE("unsupported-media-type", "Unsupported media type", 415),
        URI_TOO_LONG("uri-too-long", "URI too long", 414),
        HEADER_FIELDS_TOO_LARGE("header-fields-too-large", "Request header fields too large", 431),
        QUOTA_EXCEEDED("quota-exceeded", "Quota exceeded", 429),
        QUEUE_FULL("queue-full", "Queue full", 429),
        STORE_UNAVAILABLE("store-unavailable", "Store unavailable", 503),
        STORE_FULL("store-full", "Store full", 507),
        INTERNAL("internal", "Internal error", 500);

        private final String slug;
        private final String title;
        private final int status;

        Type(String slug, String title, int status) {
            this.slug = slug;
            this.title = title;
            this.status = status;
        }

        public String uri() {
            return "urn:cache-domain:problem:" + slug;
        }

        public int status() {
            return status;
        }

        public Problem with(String detail) {
            return new Problem(uri(), title, status, detail, List.of());
        }

        public Problem with(String detail, List<Violation> violations) {
            return new Problem(uri(), title, status, detail, violations);
        }

        /** The problem as a response, with the problem media type. */
        public Response response(String detail) {
            return with(detail).toResponse().build();
        }
    }

    public Response.ResponseBuilder toResponse() {
        return Response.status(status).type(MEDIA).entity(this);
    }
}
