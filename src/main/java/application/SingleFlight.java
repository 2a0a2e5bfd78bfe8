package application;

import io.smallrye.mutiny.Uni;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * One run of a pipeline shared by every caller that subscribes to it (a burst of requests that need
 * the same store read, say): the pipeline is subscribed once, at the first subscription, and every
 * subscriber, then or later, gets its item or failure, the very same failure object.
 *
 * <p>Why not {@code memoize().indefinitely()}: with Mutiny 3.1.1, a subscriber that subscribes to a
 * memoized {@code Uni} while another thread completes it can be handed the item before its own
 * {@code onSubscribe} has run; a chain behind it ({@code chain}, {@code transformToUni}) then takes its
 * own inner result for the outer item, and fails with a {@code ClassCastException} or applies a step
 * twice. It showed as one such failure in a CI run of a key rotation contract with eight writers, and
 * is reproduced by {@code SingleFlightTest}. Here every subscriber waits on a stage of its own that
 * depends on one {@link CompletableFuture}: a stage completes its dependants only once they are
 * attached, and one subscriber cancelling cancels only its own stage, never the run the others wait on.
 */
public final class SingleFlight {

    private SingleFlight() {
    }

    /** {@code pipeline}, run once for all the subscribers of what this returns. */
    public static <T> Uni<T> of(Uni<T> pipeline) {
        AtomicBoolean started = new AtomicBoolean();
        CompletableFuture<T> result = new CompletableFuture<>();
        return Uni.createFrom().deferred(() -> {
            if (started.compareAndSet(false, true)) {
                pipeline.subscribe().with(result::complete, result::completeExceptionally);
            }
            return Uni.createFrom().completionStage(result.thenApply(Function.identity()));
        });
    }
}
