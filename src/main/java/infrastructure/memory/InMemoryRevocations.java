package infrastructure.memory;

import domain.access.Revocation;
import domain.access.Revocations;
import io.smallrye.mutiny.Uni;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Revocation notices within the one process of the embedded store: handed to every listener as they are published. */
public final class InMemoryRevocations implements Revocations {

    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    @Override
    public Uni<Void> publish(Revocation notice) {
        return Uni.createFrom().item(() -> {
            listeners.forEach(listener -> listener.revoked(notice));
            return null;
        });
    }

    @Override
    public void listen(Listener listener) {
        listeners.add(listener);
    }

    /** Always: there is no channel to lose. */
    @Override
    public boolean live() {
        return true;
    }
}
