package infrastructure.rest;

import application.AccessDeniedException;
import application.ConflictException;
import application.NameTakenException;
import application.NoSuchObjectException;
import application.OncePerBurst;
import application.StreamEndedException;
import application.TooManyStreamsException;
import application.LeaseLostException;
import application.QueueFullException;
import application.TooManyLongPollsException;
import application.UnauthenticatedException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import domain.InvalidValueException;
import domain.StoreBusyException;
import domain.StoreFullException;
import domain.StoreNotReplicatedException;
import domain.store.BackupUnsupportedException;
import domain.StoreUnavailableException;
import domain.cache.ValueTooLargeException;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.jboss.logging.Logger;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Maps every failure to an RFC 9457 problem: never a stack trace, never a secret, never a 500 for bad input.
 * RESTEasy Reactive picks the mapper of the failure's nearest type; {@link #responseFor} does the same
 * for the requests {@link DirectRoutes} serves outside RESTEasy, from these same methods.
 */
@jakarta.inject.Singleton
@io.quarkus.runtime.annotations.RegisterForReflection(methods = true)
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);
    /** Seconds a client should wait before retrying while the store is unavailable. */
    private static final String RETRY_AFTER_SECONDS = "1";
    /** Seconds a producer should wait before enqueueing into a full queue again. */
    private static final String QUEUE_FULL_RETRY_SECONDS = "5";
    private static final long STORE_LOG_PERIOD_MILLIS = 30_000;

    private static final OncePerBurst STORE_UNAVAILABLE_LOG = new OncePerBurst(STORE_LOG_PERIOD_MILLIS);

    @ServerExceptionMapper
    public Response invalidRequest(InvalidRequestException e) {
        return Problem.Type.VALIDATION.with(e.getMessage(), e.violations()).toResponse().build();
    }

    @ServerExceptionMapper
    public Response invalidValue(InvalidValueException e) {
        return Problem.Type.VALIDATION.with(e.rule(), List.of(new Problem.Violation(e.field(), e.rule()))).toResponse().build();
    }

    @ServerExceptionMapper
    public Response constraintViolation(ConstraintViolationException e) {
        List<Problem.Violation> violations = e.getConstraintViolations().stream()
                .map(v -> new Problem.Violation(lastNode(v.getPropertyPath().toString()), v.getMessage()))
                .toList();
        return Problem.Type.VALIDATION.with("the request broke " + violations.size() + " rule(s)", violations)
                .toResponse().build();
    }

    @ServerExceptionMapper({JsonProcessingException.class, MismatchedInputException.class, InvalidFormatException.class})
    public Response malformedJson(JsonProcessingException e) {
        return JsonFailures.problemOf(e).toResponse().build();
    }

    @ServerExceptionMapper
    public Response valueTooLarge(ValueTooLargeException e) {
        return Problem.Type.PAYLOAD_TOO_LARGE.response(e.getMessage());
    }

    @ServerExceptionMapper
    public Response unauthenticated(UnauthenticatedException e) {
        return Problem.Type.UNAUTHENTICATED.with(e.getMessage()).toResponse()
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"cache-domain\"").build();
    }

    @ServerExceptionMapper
    public Response accessDenied(AccessDeniedException e) {
        return Problem.Type.FORBIDDEN.response(e.getMessage());
    }

    @ServerExceptionMapper({NameTakenException.class, ConflictException.class})
    public Response conflict(RuntimeException e) {
        return Problem.Type.CONFLICT.response(e.getMessage());
    }

    @ServerExceptionMapper
    public Response noSuchObject(NoSuchObjectException e) {
        return Problem.Type.NOT_FOUND.response(e.getMessage());
    }

    /** 204 is what stops a browser's EventSource from reconnecting: the stream has nothing more. */
    @ServerExceptionMapper
    public Response streamEnded(StreamEndedException e) {
        return Response.noContent().build();
    }

    @ServerExceptionMapper
    public Response tooManyStreams(TooManyStreamsException e) {
        return Problem.Type.QUOTA_EXCEEDED.response(e.getMessage());
    }

    @ServerExceptionMapper
    public Response tooManyLongPolls(TooManyLongPollsException e) {
        return Problem.Type.QUOTA_EXCEEDED.response(e.getMessage());
    }

    /** 429, not 507: the cap is the queue's own setting, a quota of the tenant, and it frees up as workers claim. */
    @ServerExceptionMapper
    public Response queueFull(QueueFullException e) {
        return Problem.Type.QUEUE_FULL.with(e.getMessage()).toResponse().header(HttpHeaders.RETRY_AFTER, QUEUE_FULL_RETRY_SECONDS).build();
    }

    @ServerExceptionMapper
    public Response leaseLost(LeaseLostException e) {
        return (e.cancelled() ? Problem.Type.TASK_CANCELLED : Problem.Type.LEASE_LOST).response(e.getMessage());
    }

    /** 409: the configured store has no file to copy; the detail says what backs it up instead. */
    @ServerExceptionMapper
    public Response backupUnsupported(BackupUnsupportedException e) {
        return Problem.Type.CONFLICT.response(e.getMessage());
    }

    /** 507: the store answered, but has no room; nothing was written and reads keep working, so no Retry-After. */
    @ServerExceptionMapper
    public Response storeFull(StoreFullException e) {
        STORE_UNAVAILABLE_LOG.run(() -> LOG.warnf("answering 507: %s (logged once per %d s)", e.getMessage(),
                STORE_LOG_PERIOD_MILLIS / 1000));
        return Problem.Type.STORE_FULL.response("the store is full: nothing was written; an operator must free space or raise "
                + "cache-domain.embedded.max-size");
    }

    /** 503: the write reached Redis's master, not the replicas it must reach first (cache-domain.redis.wait-for-replicas). */
    @ServerExceptionMapper
    public Response storeNotReplicated(StoreNotReplicatedException e) {
        STORE_UNAVAILABLE_LOG.run(() -> LOG.warnf("answering 503: %s (logged once per %d s)", e.getMessage(), STORE_LOG_PERIOD_MILLIS / 1000));
        return Problem.Type.STORE_UNAVAILABLE.with("the write reached the store but not the replicas that must hold it before it "
                + "is acknowledged: it may or may not be kept; retry it").toResponse()
                .header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS).build();
    }

    /** 503: this instance had no room to queue another call for its store; the store itself may well be up. */
    @ServerExceptionMapper
    public Response storeBusy(StoreBusyException e) {
        STORE_UNAVAILABLE_LOG.run(() -> LOG.warnf("answering 503: %s (logged once per %d s)", e.getMessage(), STORE_LOG_PERIOD_MILLIS / 1000));
        return Problem.Type.STORE_UNAVAILABLE.with("this instance has as many calls waiting for its store as it may hold; retry "
                + "shortly").toResponse().header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS).build();
    }

    @ServerExceptionMapper({StoreUnavailableException.class, TimeoutException.class, CircuitBreakerOpenException.class})
    public Response storeUnavailable(Exception e) {
        // One line per burst of 503s, never a stack trace per request: the breakers log their changes too.
        STORE_UNAVAILABLE_LOG.run(() -> LOG.warnf("answering 503 while the store is unavailable: %s: %s (logged once per %d s)",
                e.getClass().getSimpleName(), e.getMessage(), STORE_LOG_PERIOD_MILLIS / 1000));
        return Problem.Type.STORE_UNAVAILABLE.with("the store did not answer in time; retry shortly").toResponse()
                .header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS).build();
    }

    private final AllowedMethods allowedMethods;
    private final ApiQuota apiQuota;

    /** Each mapped failure type's method: the mappers that take the failure alone and answer at once. */
    private final Map<Class<?>, Method> byType = new HashMap<>();

    public ProblemMappers(AllowedMethods allowedMethods, ApiQuota apiQuota) {
        this.allowedMethods = allowedMethods;
        this.apiQuota = apiQuota;
        for (Method method : ProblemMappers.class.getDeclaredMethods()) {
            ServerExceptionMapper mapper = method.getAnnotation(ServerExceptionMapper.class);
            if (mapper == null || method.getParameterCount() != 1 || method.getReturnType() != Response.class) {
                continue;
            }
            Class<?>[] types = mapper.value().length > 0 ? mapper.value() : method.getParameterTypes();
            for (Class<?> type : types) {
                byType.put(type, method);
            }
        }
    }

    /**
     * The answer to {@code failure} as RESTEasy Reactive gives it from this class: the mapper of its
     * nearest mapped type, up to {@link #unexpected} (a failure only RESTEasy raises, such as its
     * 404 for an unmatched path, is unexpected here).
     */
    Response responseFor(Throwable failure) {
        for (Class<?> type = failure.getClass(); type != null; type = type.getSuperclass()) {
            Method mapper = byType.get(type);
            if (mapper != null) {
                try {
                    return (Response) mapper.invoke(this, failure);
                } catch (IllegalAccessException | InvocationTargetException e) {
                    throw new IllegalStateException("a problem mapper failed", e);
                }
            }
        }
        return unexpected(failure);
    }

    /**
     * No endpoint matched (404, 405): the request still counts against the policy {@code api} when
     * authentication left it to count (the filter after routing never ran), and answers 429 over it.
     */
    @ServerExceptionMapper({NotFoundException.class, NotAllowedException.class})
    public Uni<Response> unmatched(WebApplicationException e, UriInfo uri) {
        return apiQuota.limit(null, null).map(overQuota -> overQuota != null ? overQuota : webApplication(e, uri));
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, UriInfo uri) {
        int status = e.getResponse().getStatus();
        if (e.getCause() instanceof JsonProcessingException json) {
            return malformedJson(json);
        }
        Problem.Type type = switch (status) {
            case 400 -> Problem.Type.VALIDATION;
            case 401 -> Problem.Type.UNAUTHENTICATED;
            case 403 -> Problem.Type.FORBIDDEN;
            case 404 -> Problem.Type.NOT_FOUND;
            case 405 -> Problem.Type.METHOD_NOT_ALLOWED;
            case 406 -> Problem.Type.NOT_ACCEPTABLE;
            case 413 -> Problem.Type.PAYLOAD_TOO_LARGE;
            case 415 -> Problem.Type.UNSUPPORTED_MEDIA_TYPE;
            default -> null;
        };
        if (type == null) {
            return unexpected(e);
        }
        Response.ResponseBuilder response = type.with(detailOf(type)).toResponse();
        if (status == 405) {
            // The methods this path answers, not every method of the resource class.
            String allow = allowedMethods.header(uri.getPath());
            response.header(HttpHeaders.ALLOW, allow != null ? allow : e.getResponse().getHeaderString(HttpHeaders.ALLOW));
        }
        return response.build();
    }

    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 1000)
    public Response unexpected(Throwable e) {
        LOG.error("unexpected failure while serving a request", e);
        return Problem.Type.INTERNAL.response("the service failed unexpectedly; the failure was logged");
    }

    private static String detailOf(Problem.Type type) {
        return switch (type) {
            case NOT_FOUND -> "no such resource";
            case METHOD_NOT_ALLOWED -> "this resource does not support the method";
            case NOT_ACCEPTABLE -> "the service answers application/json";
            case UNSUPPORTED_MEDIA_TYPE -> "send application/json";
            case PAYLOAD_TOO_LARGE -> "the body is larger than the service accepts";
            default -> "the request is invalid";
        };
    }

    private static String lastNode(String path) {
        int dot = path.lastIndexOf('.');
        return dot < 0 ? path : path.substring(dot + 1);
    }
}
