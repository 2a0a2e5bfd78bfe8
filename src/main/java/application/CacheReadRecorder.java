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
import io.smallrye.mutiny.Uni;
import java.time.Instant;
import java.util.Optional;
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

    private final CacheRepository cache;
    private final ReadTally tally;
    private final int bufferSize;
    private final HotPath recording;
    private final Counter unrecorded;
    private final OncePerBurst failures = new OncePerBurst(30_000);

    /**
     * @param bufferSize reads held before a batch goes; 1 records every read at once (still off the read's path)
     * @param recording  the span, guard and timer of {@code cache.record}
     */
    CacheReadRecorder(CacheRepository cache, int bufferSize, HotPath recording, MeterRegistry meters) {
        if (bufferSize < 1) {
            throw new IllegalArgumentException("the cache's read buffer holds at least one read, not " + bufferSize);
        }
        this.cache = cache;
        this.bufferSize = bufferSize;
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
     * Sends every held read to the store in one batch; completes when the store took it or refused
     * it, and never fails: a refused batch is held again (or counted in {@value #UNRECORDED}).
     */
    Uni<Void> flush() {
        return Uni.createFrom().deferred(() -> {
            Optional<CacheReads> drained = tally.drain();
            if (drained.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            CacheReads batch = drained.get();
            return recording.call(null, () -> cache.record(batch), null)
                    .invoke(() -> tally.recorded(batch))
                    .onFailure().recoverWithItem(failure -> {
                        long dropped = tally.notRecorded(batch);
                        unrecorded.increment(dropped);
                        failures.run(() -> LOG.warnf("the store took no cache read statistics (%s); %s",
                                failure.toString(), dropped > 0 ? dropped + " reads were dropped" : "they go with the next batch"));
                        return null;
                    });
        });
    }

    private void flushIfFull() {
        if (tally.heldReads() >= bufferSize) {
            flush().subscribe().with(done -> {
            }, failure -> LOG.debugf("recording cache reads failed: %s", failure));
        }
    }
}
