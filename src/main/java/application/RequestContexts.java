package application;

import io.smallrye.mutiny.Uni;
import java.util.concurrent.Executor;

/**
 * Hands a result that several requests share (one store lookup for a burst of requests with the same
 * key, say) back to each of them on its own request context, where that request's trace and request
 * scope are the current ones. Without it, every follower of a shared pipeline would go on in the
 * context of the request that started it: its spans children of another request's trace, its log
 * lines under another trace id, its request scope another request's (no context is propagated across
 * callbacks: see application.properties).
 *
 * <p>The production one captures the caller's Vert.x context (for a request, the duplicated context
 * Quarkus gives it); {@link #NONE}, for code run without any (plain tests), delivers where the result
 * completes.
 */
@FunctionalInterface
public interface RequestContexts {

    /** No request contexts: a shared result is delivered on the thread that completes it. */
    RequestContexts NONE = () -> Runnable::run;

    /**
     * Where the calling request's callbacks belong, captured now: an executor that runs a task on that
     * request's context, at once when called there already (the request that started the pipeline
     * pays no hop).
     */
    Executor current();

    /**
     * {@code shared} (a {@link SingleFlight} pipeline other requests may be subscribed to), delivered to each
     * subscriber, item or failure, on the context it subscribed from.
     */
    default <T> Uni<T> onCaller(Uni<T> shared) {
        return Uni.createFrom().deferred(() -> shared.emitOn(current()));
    }
}
