package infrastructure.redis;

import domain.StoreBusyException;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import domain.StoreUnavailableException;
import io.vertx.redis.client.impl.types.ErrorType;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Translates a Redis client failure into the domain's store failure, once, at the adapter. */
final class RedisFailures {

    private RedisFailures() {
    }

    /**
     * The failure's message and those of its causes, joined by ": " (a message its cause repeats is said
     * once): "Failed to create SSL connection" alone does not tell a refused certificate from a refused
     * protocol; its causes do.
     */
    static String describe(Throwable failure) {
        StringBuilder text = new StringBuilder();
        int depth = 0;
        for (Throwable at = failure; at != null && depth < 6; at = at.getCause() == at ? null : at.getCause(), depth++) {
            String message = at.getMessage() != null ? at.getMessage() : at.getClass().getSimpleName();
            if (text.indexOf(message) < 0) {
                text.append(text.length() == 0 ? "" : ": ").append(message);
            }
        }
        return text.toString();
    }

    /**
     * The error a command of a batch got, as the command alone would have got it: the Vert.x client fails a
     * whole batch with one error whose text is {@code ERR [<index>] <the command's error>} for each command
     * that failed, so that a NOSCRIPT, a MOVED or a lost connection would no longer read as one. The first
     * command's error is given back; any other failure is returned as it is.
     */
    static Throwable ownError(Throwable failure) {
        if (failure instanceof ErrorType error && error.getMessage() != null) {
            Matcher batch = BATCH_ERROR.matcher(error.getMessage());
            if (batch.lookingAt()) {
                String own = batch.group(1);
                // A lost connection shows as a Java exception's text (its class name first) or CONNECTION_CLOSED: it must
                // not read as the node's answer. A Redis error starts with its code (NOSCRIPT, MOVED...), or had its ERR
                // taken off by the client.
                if (own.startsWith("CONNECTION_CLOSED") || JAVA_EXCEPTION.matcher(own).lookingAt()) {
                    return new java.io.IOException("the connection failed under a batch: " + own, failure);
                }
                return ErrorType.create(REDIS_CODE.matcher(own).lookingAt() ? own : "ERR " + own);
            }
        }
        return failure;
    }

    private static final Pattern BATCH_ERROR = Pattern.compile("ERR \\[\\d+\\] ([^\\r\\n]*)");
    private static final Pattern REDIS_CODE = Pattern.compile("[A-Z][A-Z_]*(\\s|$)");
    private static final Pattern JAVA_EXCEPTION = Pattern.compile("[a-z][a-z0-9_]*(\\.[A-Za-z0-9_$]+)+(:|$)");

    static Throwable translate(Throwable failure) {
        if (failure instanceof StoreUnavailableException) {
            return failure;
        }
        for (Throwable at = failure; at != null; at = at.getCause() == at ? null : at.getCause()) {
            if (at instanceof ConnectionPoolTooBusyException) {
                return new StoreBusyException("this instance has as many Redis calls waiting for a connection as it may"
                        + " (quarkus.redis.max-pool-waiting); the call was not sent", failure);
            }
        }
        return new StoreUnavailableException("redis did not answer: " + describe(failure), failure);
    }
}
