package service;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.awaitility.Awaitility;

/** What each request of a fault test got and when: the record a test judges a failover by. */
final class Outcomes {

    /**
     * One request: the instance it went to, the part of the store it needed ({@code part}: a master's index, or 0),
     * when it began and ended (nanoTime), its status (-1: no answer) and whether it was answered normally.
     */
    record Outcome(String instance, int part, String operation, long began, long ended, int status, boolean normal, String body) {
    }

    /** A request to send. */
    interface Call {
        HttpResponse<String> send() throws Exception;
    }

    /** Whether an answer is the normal one. */
    interface Normal {
        boolean test(HttpResponse<String> response) throws Exception;
    }

    private final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();

    /** Sends the request and records its outcome; an exception is an outcome too (no answer). */
    void request(String instance, int part, String operation, Call call, Normal normal) {
        long began = System.nanoTime();
        try {
            HttpResponse<String> response = call.send();
            outcomes.add(new Outcome(instance, part, operation, began, System.nanoTime(), response.statusCode(),
                    normal.test(response), response.body()));
        } catch (Exception e) {
            outcomes.add(new Outcome(instance, part, operation, began, System.nanoTime(), -1, false, String.valueOf(e)));
        }
    }

    /** Every outcome so far. */
    List<Outcome> all() {
        return List.copyOf(outcomes);
    }

    /** Lets the traffic run for {@code duration}: the test measures what happens meanwhile. */
    static void settle(Duration duration) {
        long until = System.nanoTime() + duration.toNanos();
        Awaitility.await().atMost(duration.plusSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() -> System.nanoTime() >= until);
    }
}
