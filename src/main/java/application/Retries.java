package application;

import domain.StoreBusyException;
import domain.StoreFullException;
import domain.StoreNotReplicatedException;
import domain.StoreUnavailableException;
import io.smallrye.mutiny.Uni;
import java.util.function.Supplier;

/**
 * Retries of idempotent store calls: one more attempt after a store failure (a pooled connection
 * that died with a restarted server, say), inside the operation's guard, so the operation's timeout
 * still bounds both attempts and its breaker counts one outcome. Never for a call that counts,
 * appends or enqueues, and never after a timeout (the guard gives up instead).
 */
final class Retries {

    /** Extra attempts of an idempotent call. */
    static final int EXTRA_ATTEMPTS = 1;

    private Retries() {
    }

    /**
     * The call, attempted again once if the store failed; {@code call} must be safe to repeat. A full
     * store is not retried: it answered, and will answer the same; nor a write its replicas did not
     * confirm in time: it was applied, and would wait for them again; nor a call this instance had no
     * room to queue: trying again at once would only add to the queue.
     */
    static <T> Uni<T> idempotent(Supplier<Uni<? extends T>> call) {
        return Uni.createFrom().<T>deferred(call)
                .onFailure(f -> f instanceof StoreUnavailableException && !(f instanceof StoreFullException)
                        && !(f instanceof StoreNotReplicatedException) && !(f instanceof StoreBusyException)).retry()
                .atMost(EXTRA_ATTEMPTS);
    }
}
