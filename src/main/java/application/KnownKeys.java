package application;

import domain.access.ApiKeyName;
import domain.access.Principal;
import domain.access.Revocation;
import domain.access.Revocations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * The API keys the store confirmed, held in process by secret digest so that a request needs no
 * store lookup to know its caller, trusted only while revocation notices reach this instance.
 *
 * <p>Coherence: a revoked key's entries are dropped when its notice arrives; everything is dropped
 * when the notice channel is lost, and nothing answers until it is made again (see
 * {@link Revocations#live()}). An epoch, bumped on each of those, keeps a lookup that began before
 * one from putting back what it removed. Entries also expire after a maximum age, as a bound
 * behind the notices. Reads take no lock; changes take this object's.
 */
final class KnownKeys implements Revocations.Listener {

    private final Clock clock;
    private final Duration maxAge;
    private final int capacity;
    private final BooleanSupplier live;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    /** Changed (under this object's lock) by every revocation and every loss or remaking of the channel. */
    private volatile long epoch;

    /**
     * @param maxAge   the longest an entry answers after the store confirmed it; zero holds nothing
     * @param capacity the most entries held; when full, an arbitrary one makes room
     * @param live     whether notices reach this instance now ({@link Revocations#live()})
     */
    KnownKeys(Clock clock, Duration maxAge, int capacity, BooleanSupplier live) {
        this.clock = clock;
        this.maxAge = maxAge;
        this.capacity = capacity;
        this.live = live;
    }

    /** {@code expiresAt}: the key's own expiry, null when it has none. */
    private record Entry(Principal principal, Instant confirmedAt, Instant expiresAt) {
    }

    /** Taken before asking the store, handed back with its answer: proof that nothing was revoked meanwhile. */
    record Lookup(long epoch, boolean live) {
    }

    /**
     * The principal held for this digest; empty when none is, it is too old, the key itself expired, or
     * the channel is not live.
     */
    Optional<Principal> find(String digest) {
        if (!live.getAsBoolean()) {
            return Optional.empty();
        }
        Entry entry = entries.get(digest);
        Instant now = clock.instant();
        if (entry == null || !now.isBefore(entry.confirmedAt().plus(maxAge))
                || entry.expiresAt() != null && !now.isBefore(entry.expiresAt())) {
            return Optional.empty();
        }
        return Optional.of(entry.principal());
    }

    /** Marks the start of a store lookup. */
    Lookup begin() {
        return new Lookup(epoch, live.getAsBoolean());
    }

    /**
     * Holds what the store confirmed, unless a revocation, a loss of the channel or its remaking came
     * since {@code lookup} began, or the channel was not live then or now: what the store said may be
     * stale already.
     */
    synchronized void confirmed(Lookup lookup, String digest, Principal principal) {
        confirmed(lookup, digest, principal, Optional.empty());
    }

    /** As {@link #confirmed(Lookup, String, Principal)}, for a key that stops working at {@code expiresAt}. */
    synchronized void confirmed(Lookup lookup, String digest, Principal principal, Optional<Instant> expiresAt) {
        if (!lookup.live() || lookup.epoch() != epoch || !live.getAsBoolean() || maxAge.isZero() || capacity == 0) {
            return;
        }
        if (entries.size() >= capacity && !entries.containsKey(digest)) {
            Iterator<String> any = entries.keySet().iterator();
            if (any.hasNext()) {
                any.next();
                any.remove();
            }
        }
        entries.put(digest, new Entry(principal, clock.instant(), expiresAt.orElse(null)));
    }

    /** Drops every entry of the key of that name, at once. */
    synchronized void forget(ApiKeyName name) {
        epoch++;
        entries.values().removeIf(entry -> entry.principal().name().equals(name.value()));
    }

    /** How many entries are held, expired ones included until they are replaced or dropped. */
    int size() {
        return entries.size();
    }

    @Override
    public void revoked(Revocation notice) {
        if (notice instanceof Revocation.KeyRevoked key) {
            forget(key.name());
        }
    }

    /** The channel is made again: start empty, since a notice may have been missed. */
    @Override
    public void mayHaveMissed() {
        clear();
    }

    /** The channel is lost: nothing held can be trusted from now on. */
    @Override
    public void lost() {
        clear();
    }

    private synchronized void clear() {
        epoch++;
        entries.clear();
    }
}
