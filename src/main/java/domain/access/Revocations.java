package domain.access;

import io.smallrye.mutiny.Uni;

/**
 * The port that carries revocation notices to every instance, this one included, so that a
 * revoked credential's open streams end wherever they are.
 *
 * <p>Delivery is at most once: a notice sent while an instance cannot hear (its channel to the
 * store is lost) is not repeated. Listeners are told when that may have happened
 * ({@link Listener#mayHaveMissed()}), once the channel is back, and check what they hold.
 */
public interface Revocations {

    /**
     * Sends the notice to the listeners of every instance, each exactly once. Completes once the
     * store took it (at once in process); fails with {@link domain.StoreUnavailableException} when
     * it could not.
     */
    Uni<Void> publish(Revocation notice);

    /** Adds a listener for every notice sent from now on, on any instance. */
    void listen(Listener listener);

    /** Hears revocation notices; called on any thread, and must not block. */
    interface Listener {

        void revoked(Revocation notice);

        /** Notices may have been missed (the channel was lost and is made again): check what you hold. */
        void mayHaveMissed();
    }
}
