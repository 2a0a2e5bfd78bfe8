package application;

import domain.cache.CacheEntry;
import domain.cache.CacheReads;
import domain.cache.CacheRepository;
import domain.cache.CacheStats;
import domain.cache.ReadTally;
import domain.project.ProjectId;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Counts cache reads in process and records them in the store in batches, so that a cache read costs
 * the store one pure read: a batch goes once {@code bufferSize} reads are held (the seed's
 * {@code CACHE_METRICS_BUFFER_SIZE}) and, by the owner's timer, at least every flush interval.
 *
 * <p>How true the statistics are: what this instance answers (an entry's hits and last access, a
 * project's hits and misses) includes its own reads not yet recorded. Another instance's reads show
 * once its batch is recorded, at most one flush interval later. A batch the store cannot take is held
 * again, up to a bound, and goes with the next one. Reads held when the process dies are lost: these
 * are statistics, never data, and a crash loses at most one interval's worth.
 */
final class CacheReadRecorder {

    private static final Logger LOG = Logger.getLogger(CacheReadRecorder.class);
    /** Counter of reads the store never took (it refused them while more were held than the bound). */
    static final String UNRECORDED = "cache.reads.unrecorded";
    /** A batch the store refused is held again while fewer than this many buffers' worth of entries are held. */
    private static final int HELD_BUFFERS = 4;

    /**
     * Entries one store call records at most: one script on Redis, one write on the embedded store.
     * Redis runs a script alone: one of 500 entries is 2,500 commands, by our estimate a couple of
     * milliseconds that every cache read behind it waits (the reads' tail, docs/benchmarks.md, 2026-12-07).
     */
    static final int PART_ENTRIES = 100;

    private final CacheRepository cache;
    private final ReadTally tally;
    private final int bufferSize;
    private final Duration timeout;
    private final HotPath recording;
    private final Counter unrecorded;
    private final OncePerBurst failures = new OncePerBurst(30_000);
    /** A flush the buffer filling started is on its way: the next one waits for it. */
    private final AtomicBoolean filling = new AtomicBoolean();
    /** The last flush failed: until one succeeds, only the timer flushes (a dead store must not cost every read a drain). */
    private volatile boolean failing;

    /**
     * @param bufferSize reads held before a batch goes; 1 records every read at once (still off the read's path)
     * @param timeout    the longest one part of a batch may take; a part that takes longer counts as lost
     *                   (it may or may not have been recorded: holding it again could count it twice)
     * @param recording  the span and timer of {@code cache.record}; no guard: statistics must not open
     *                   the cache's breaker, which reads and writes answer by
     */
    CacheReadRecorder(CacheRepository cache, int bufferSize, Duration timeout, HotPath recording, MeterRegistry meters) {
        if (bufferSize < 1) {
            throw new IllegalArgumentException("the cache's read buffer holds at least one read, not " + bufferSize);
        }
        this.cache = cache;
        this.bufferSize = bufferSize;
        this.timeout = timeout;
        this.tally = new ReadTally(Math.max(10_000, bufferSize * HELD_BUFFERS));
        this.recording = recording;
        this.unrecorded = Counter.builder(UNRECORDED)
                .description("cache reads whose statistics were dropped because the store could not take them")
                .register(meters);
        Gauge.builder("cache.reads.held", tally, ReadTally::heldReads)
                .description("cache reads counted in process and not yet sent to the store")
                .register(meters);
    }

    /** The entry as this read returns it: its hits with every read not recorded yet, this one included. */
    CacheEntry hit(ProjectId project, CacheEntry stored, Instant now) {
        long unrecordedHits = tally.hit(project, stored.key(), now);
        flushIfFull();
        Instant last = now.isAfter(stored.lastAccessAt()) ? now : stored.lastAccessAt();
        return new CacheEntry(stored.key(), stored.value(), stored.version(), stored.createdAt(), stored.expiresAt(),
                stored.tags(), stored.hits() + unrecordedHits, last);
    }

    void miss(ProjectId project) {
        tally.miss(project);
        flushIfFull();
    }

    /** The project's statistics as the store has them, plus this instance's reads not recorded yet. */
    CacheStats stats(ProjectId project, CacheStats stored) {
        return tally.withUnrecorded(project, stored);
    }

    /**
     * Sends every held read to the store, one project and at most {@value #PART_ENTRIES} entries per
     * call, in turn; completes when each part was taken or refused, and never fails. From the first
     * refused part on, the rest are held again for the next flush; a part that timed out is dropped
     * (counted in {@value #UNRECORDED}), as it may have been recorded.
     */
    Uni<Void> flush() {
        return Uni.createFrom().deferred(() -> {
            Optional<CacheReads> drained = tally.drain();
            if (drained.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            CacheReads batch = drained.get();
            List<CacheReads> refused = new ArrayList<>();
            long[] lost = {0};
            Throwable[] cause = {null};
            return Multi.createFrom().iterable(parts(batch))
                    .onItem().transformToUniAndConcatenate(part -> {
                        if (cause[0] != null) {
                            refused.add(part);
                            return Uni.createFrom().voidItem();
                        }
                        return recording.call(null, () -> cache.record(part)
                                        .ifNoItem().after(timeout).failWith(() -> new RecordTimedOut(timeout)), null)
                                .onFailure().recoverWithItem(failure -> {
                                    cause[0] = failure;
                                    if (failure instanceof RecordTimedOut) {
                                        lost[0] += part.reads();
                                    } else {
                                        refused.add(part);
                                    }
                                    return null;
                                });
                    })
                    .collect().last()
                    .invoke(() -> {
                        long dropped = tally.settled(batch, refused) + lost[0];
                        unrecorded.increment(dropped);
                        failing = cause[0] != null;
                        if (cause[0] != null) {
                            failures.run(() -> LOG.warnf("the store took only part of the cache read statistics (%s); %s",
                                    cause[0].toString(), dropped > 0 ? dropped + " reads were dropped, the rest go with the next batch"
                                            : "the rest go with the next batch"));
                        }
                    })
                    .replaceWithVoid();
        });
    }

    /** The batch in parts of one project and at most {@value #PART_ENTRIES} entries: a part fails or succeeds as a whole. */
    private static List<CacheReads> parts(CacheReads batch) {
        List<CacheReads> parts = new ArrayList<>();
        for (CacheReads part : batch.inPartsOf(PART_ENTRIES)) {
            part.projects().forEach((project, reads) -> parts.add(new CacheReads(Map.of(project, reads))));
        }
        return parts;
    }

    private void flushIfFull() {
        if (tally.heldReads() >= bufferSize && !failing && filling.compareAndSet(false, true)) {
            flush().onTermination().invoke(() -> filling.set(false))
                    .subscribe().with(done -> {
                    }, failure -> LOG.debugf("recording cache reads failed: %s", failure));
        }
    }

    /** A part of a batch the store did not answer within the timeout. */
    private static final class RecordTimedOut extends RuntimeException {
        RecordTimedOut(Duration timeout) {
            super("the store did not answer within " + timeout.toMillis() + " ms", null, false, false);
        }
    }
}
