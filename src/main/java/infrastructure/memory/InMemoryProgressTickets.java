package infrastructure.memory;

import domain.progress.ProgressId;
import domain.progress.ProgressTicket;
import domain.progress.ProgressTickets;
import domain.project.ProjectId;
import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/** Stream tickets in process memory, under their digest; each opening counted in one atomic map update. */
public final class InMemoryProgressTickets implements ProgressTickets {

    private final Clock clock;
    private final ConcurrentHashMap<Key, Kept> tickets = new ConcurrentHashMap<>();

    public InMemoryProgressTickets(Clock clock) {
        this.clock = clock;
    }

    private record Key(ProjectId project, String digest) {
    }

    private record Kept(ProgressTicket ticket, long openings, long expiresAtMillis) {
    }

    @Override
    public Uni<Void> store(String digest, ProgressTicket ticket, Duration ttl) {
        return Uni.createFrom().item(() -> {
            tickets.put(new Key(ticket.project(), digest), new Kept(ticket, 0, clock.millis() + Math.max(1, ttl.toMillis())));
            return null;
        });
    }

    @Override
    public Uni<Optional<ProgressTicket.Opening>> open(ProjectId project, ProgressId operation, String digest, Duration keepFor) {
        return Uni.createFrom().item(() -> {
            long now = clock.millis();
            boolean[] opened = new boolean[1];
            Kept kept = tickets.computeIfPresent(new Key(project, digest), (key, held) -> {
                if (held.expiresAtMillis() <= now) {
                    return null;
                }
                if (!held.ticket().opens(project, operation)) {
                    return held;
                }
                opened[0] = true;
                return new Kept(held.ticket(), held.openings() + 1, now + Math.max(1, keepFor.toMillis()));
            });
            return opened[0] ? Optional.of(new ProgressTicket.Opening(kept.ticket(), digest, kept.openings()))
                    : Optional.<ProgressTicket.Opening>empty();
        });
    }

    @Override
    public Uni<OptionalLong> latestOpening(ProjectId project, String digest) {
        return Uni.createFrom().item(() -> {
            Kept kept = tickets.get(new Key(project, digest));
            return kept == null || kept.expiresAtMillis() <= clock.millis() ? OptionalLong.empty() : OptionalLong.of(kept.openings());
        });
    }

    /** Forgets every ticket past its time. */
    public void sweepExpired() {
        long now = clock.millis();
        tickets.values().removeIf(kept -> kept.expiresAtMillis() <= now);
    }
}
