package infrastructure.memory;

import domain.progress.ProgressTicket;
import domain.progress.ProgressTickets;
import domain.project.ProjectId;
import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Stream tickets in process memory, under their digest; taken with an atomic remove. */
public final class InMemoryProgressTickets implements ProgressTickets {

    private final Clock clock;
    private final ConcurrentHashMap<Key, Kept> tickets = new ConcurrentHashMap<>();

    public InMemoryProgressTickets(Clock clock) {
        this.clock = clock;
    }

    private record Key(ProjectId project, String digest) {
    }

    private record Kept(ProgressTicket ticket, long expiresAtMillis) {
    }

    @Override
    public Uni<Void> store(String digest, ProgressTicket ticket, Duration ttl) {
        return Uni.createFrom().item(() -> {
            tickets.put(new Key(ticket.project(), digest), new Kept(ticket, clock.millis() + Math.max(1, ttl.toMillis())));
            return null;
        });
    }

    @Override
    public Uni<Optional<ProgressTicket>> take(ProjectId project, String digest) {
        return Uni.createFrom().item(() -> Optional.ofNullable(tickets.remove(new Key(project, digest)))
                .filter(kept -> kept.expiresAtMillis() > clock.millis())
                .map(Kept::ticket));
    }

    /** Forgets every ticket past its time. */
    public void sweepExpired() {
        long now = clock.millis();
        tickets.values().removeIf(kept -> kept.expiresAtMillis() <= now);
    }
}
