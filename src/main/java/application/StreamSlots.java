package application;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts the open event streams of each principal on this instance, within a bound. */
final class StreamSlots {

    private final int maxPerPrincipal;
    private final ConcurrentHashMap<String, Integer> held = new ConcurrentHashMap<>();
    private final AtomicInteger open = new AtomicInteger();

    private final java.util.function.IntFunction<RuntimeException> refusal;

    StreamSlots(int maxPerPrincipal) {
        this(maxPerPrincipal, n -> new TooManyStreamsException("this principal has " + n
                + " open event streams, the most it may hold; close one first"));
    }

    /** With {@code refusal} making the failure for a principal that holds {@code n} slots, all it may. */
    StreamSlots(int maxPerPrincipal, java.util.function.IntFunction<RuntimeException> refusal) {
        this.maxPerPrincipal = maxPerPrincipal;
        this.refusal = refusal;
    }

    /** Takes a slot for {@code principal}; fails when it holds all of its slots. Release the returned slot exactly once. */
    Runnable acquire(String principal) {
        held.compute(principal, (p, count) -> {
            int n = count == null ? 0 : count;
            if (n >= maxPerPrincipal) {
                throw refusal.apply(n);
            }
            return n + 1;
        });
        open.incrementAndGet();
        AtomicInteger once = new AtomicInteger();
        return () -> {
            if (once.getAndIncrement() == 0) {
                held.computeIfPresent(principal, (p, count) -> count <= 1 ? null : count - 1);
                open.decrementAndGet();
            }
        };
    }

    /** Streams open on this instance, for every principal. */
    int open() {
        return open.get();
    }
}
