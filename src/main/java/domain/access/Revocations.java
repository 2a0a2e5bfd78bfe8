package domain.access;

import io.smallrye.mutiny.Uni;

/**
 * The port that carries revocation notices to every instance, this one included, so that a
 * revoked credential's open streams end wherever they are.
 *
 * <p>Delivery is at most once: a notice sent while an instance cannot hear (its channel to the
 * store is lost) is not repeated. Listeners are told the moment the channel is lost
 * ({@link Listener#lost()}) and, once it is back, that notices may have been missed
 * ({@link Listener#mayHaveMissed()}), and check what they hold. What an instance keeps on the
 * strength of notices (API key records) it may trust only while {@link #live()}.
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

    /**
     * True while every notice published from now on, on any instance, reaches this instance's
     * listeners: always in process; on a store, from the moment the channel is made (before
     * listeners hear {@link Listener#mayHaveMissed()}) until it is lost (false before they hear
     * {@link Listener#lost()}).
     */
    boolean live();

    /** Hears revocation notices; called on any thread, and must not block. */
    interface Listener {

        void revoked(Revocation notice);

        /** Notices may have been missed (the channel was lost and is made again): check what you hold. */
        void mayHaveMissed();

        /**
         * The channel is lost: notices sent from now until {@link #mayHaveMissed()} will not be heard.
         * Nothing to do for a listener that checks what it holds when told it may have missed some.
         */
        default void lost() {
        }
    }
}
