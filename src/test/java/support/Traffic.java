package support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Clients that keep calling the service, each going round the same mix of requests until stopped,
 * recording every call: which request, when it started, what came back and how long it took.
 */
public final class Traffic implements AutoCloseable {

    /** One call made. */
    public record Call(String request, long startedNanos, Http.Answer answer) {

        public boolean startedAfter(long nanos) {
            return startedNanos - nanos > 0;
        }

        public long endedNanos() {
            return startedNanos + answer.took().toNanos();
        }
    }

    /** One kind of request in the mix. */
    public record Request(String name, Supplier<Http.Answer> call) {
    }

    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final ExecutorService clients;
    private volatile boolean running = true;

    private Traffic(int clients, List<Request> mix) {
        this.clients = Executors.newFixedThreadPool(clients);
        for (int i = 0; i < clients; i++) {
            int first = i;
            this.clients.execute(() -> {
                for (int n = first; running; n++) {
                    Request request = mix.get(n % mix.size());
                    long started = System.nanoTime();
                    calls.add(new Call(request.name(), started, request.call().get()));
                }
            });
        }
    }

    /** Starts {@code clients} clients going round {@code mix}. */
    public static Traffic start(int clients, List<Request> mix) {
        return new Traffic(clients, mix);
    }

    /** The calls completed so far. */
    public List<Call> calls() {
        return new ArrayList<>(calls);
    }

    /** Stops every client after its current call, and waits for those calls to finish. */
    public List<Call> stop() {
        running = false;
        clients.shutdown();
        try {
            if (!clients.awaitTermination(Http.GIVE_UP.plus(Duration.ofSeconds(5)).toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("a client did not come back");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return calls();
    }

    @Override
    public void close() {
        if (running) {
            stop();
        }
    }
}
