package application;

import domain.access.Revocation;
import domain.access.Revocations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * Secret digests the store said no key has, remembered for a short time so that a client repeating
 * a wrong key costs no store lookup per request.
 *
 * <p>Coherence: a key is created with a fresh 256-bit random secret, so a digest looked up before
 * cannot become a key's later (a collision with a looked-up digest is as likely as guessing the
 * secret); a revocation only ever makes keys invalid. So no notice makes an entry wrong, and
 * entries are held for {@code maxAge} whatever happens. Keys brought in from elsewhere (an import)
 * would be the one exception, and an import must announce itself on the revocation channel: that
 * is why, like {@link KnownKeys}, everything is dropped when the channel is lost or made again,
 * nothing answers while it is not live, and an answer from a lookup that straddled either is not
 * kept. Reads take no lock; changes take this object's.
 */
final class UnknownKeys implements Revocations.Listener {

    private final Clock clock;
    private final Duration maxAge;
    private final int capacity;
    private final BooleanSupplier live;
    /** Digest to the instant the store said it is unknown. */
    private final Map<String, Instant> entries = new ConcurrentHashMap<>();
    /** Changed (under this object's lock) by every loss or remaking of the channel. */
    private volatile long epoch;

    /**
     * @param maxAge   how long the store's "no such key" answers; zero remembers nothing
     * @param capacity the most digests remembered; when full, an arbitrary one makes room
     * @param live     whether notices reach this instance now ({@link Revocations#live()})
     */
    UnknownKeys(Clock clock, Duration maxAge, int capacity, BooleanSupplier live) {
        this.clock = clock;
        this.maxAge = maxAge;
        this.capacity = capacity;
        this.live = live;
    }

    /** Taken before asking the store, handed back with its answer: proof that the channel held meanwhile. */
    record Lookup(long epoch, boolean live) {
    }

    /** True when the store said, less than the maximum age ago, that no key has this digest. */
    boolean holds(String digest) {
        if (entries.isEmpty() || !live.getAsBoolean()) {
            return false;
        }
        Instant said = entries.get(digest);
        return said != null && clock.instant().isBefore(said.plus(maxAge));
    }

    /** Marks the start of a store lookup. */
    Lookup begin() {
        return new Lookup(epoch, live.getAsBoolean());
    }

    /** Remembers that the store found no key with this digest, unless the channel was lost or remade since {@code lookup} began. */
    synchronized void unknown(Lookup lookup, String digest) {
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
        entries.put(digest, clock.instant());
    }

    /** How many digests are remembered, expired ones included until they are replaced or dropped. */
    int size() {
        return entries.size();
    }

    /** A revocation makes no unknown digest known: nothing to drop. */
    @Override
    public void revoked(Revocation notice) {
    }

    /** The channel is made again: start empty, since a notice (of an import) may have been missed. */
    @Override
    public void mayHaveMissed() {
        clear();
    }

    /** The channel is lost: start empty when it is back, and answer nothing meanwhile. */
    @Override
    public void lost() {
        clear();
    }

    private synchronized void clear() {
        epoch++;
        entries.clear();
    }
}
