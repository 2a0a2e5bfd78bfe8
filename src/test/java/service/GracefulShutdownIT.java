package service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import support.SseClient;

/**
 * SIGTERM to the packaged service under HTTP load with event streams open, as Kubernetes stops a pod
 * (QUARKUS_SHUTDOWN_DELAY as deploy/k8s sets it, shorter): it turns unready at once and goes on
 * serving through the delay, every stream ends having had its reconnect hint, no request sent while it
 * is still in rotation (before the delay is over) is cut, and it exits well within the grace period.
 */
@Tag("faults")
class GracefulShutdownIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BOOTSTRAP = "it-bootstrap-key-abcdefghijklmnopqrstuvwxyz0123";
    private static final Duration DELAY = Duration.ofSeconds(2);
    /** Kubernetes's default terminationGracePeriodSeconds, as deploy/k8s sets it. */
    private static final Duration GRACE = Duration.ofSeconds(30);
    private static final int STREAMS = 20;

    /** Requests that reached the service and got no answer: what failed, and when the request began (nanoTime). */
    private record Cut(String failure, long began) {
    }

    private final ConcurrentLinkedQueue<Cut> cut = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Integer> served = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean(true);

    @Test
    void goesUnreadyServesThroughTheDelayEndsEveryStreamAndExitsWithinTheGracePeriod() throws Exception {
        Map<String, String> env = Map.of("CACHE_DOMAIN_STORE", "memory", "CACHE_DOMAIN_AUTH_BOOTSTRAP_KEY", BOOTSTRAP,
                "QUARKUS_SHUTDOWN_DELAY", DELAY.toSeconds() + "s",
                "CACHE_DOMAIN_PROGRESS_MAX_STREAMS_PER_PRINCIPAL", "100",
                "CACHE_DOMAIN_RATE_LIMITS_API_PER_MINUTE", "1000000000", "CACHE_DOMAIN_RATE_LIMITS_API_PER_HOUR", "1000000000");
        ServiceProcess service = ServiceProcess.start(env);
        try {
            HttpResponse<String> started = service.send("POST", "/v1/projects/shop/progress", BOOTSTRAP,
                    "{\"correlationId\": \"import\", \"totalSteps\": 100}");
            assertThat(started.statusCode()).as(started.body()).isEqualTo(201);
            List<SseClient.Stream> streams = new ArrayList<>();
            for (int i = 0; i < STREAMS; i++) {
                SseClient.Stream stream = SseClient.open(service.uri("/v1/projects/shop/progress/import/events"),
                        Map.of("Authorization", "Bearer " + BOOTSTRAP));
                assertThat(stream.status()).isEqualTo(200);
                assertThat(stream.next(Duration.ofSeconds(10)).type()).isEqualTo("snapshot");
                streams.add(stream);
            }
            List<Thread> load = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int client = t;
                Thread thread = new Thread(() -> {
                    for (int n = 0; running.get(); n++) {
                        long began = System.nanoTime();
                        try {
                            HttpResponse<String> answer = service.send("PUT", "/v1/projects/shop/cache/k-" + client + "-" + (n % 20),
                                    BOOTSTRAP, "{\"value\": " + n + "}");
                            served.add(answer.statusCode());
                        } catch (ConnectException refused) {
                            // the listener is closed: the request never reached the service
                        } catch (IOException | InterruptedException e) {
                            if (!refusedConnection(e)) {
                                cut.add(new Cut(e.toString(), began));
                            }
                        }
                    }
                }, "load-" + t);
                thread.setDaemon(true);
                load.add(thread);
                thread.start();
            }
            Outcomes.settle(Duration.ofSeconds(1));
            int servedBefore = served.size();

            long terminated = System.nanoTime();
            service.terminate();
            Awaitility.await("unready").atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20))
                    .until(() -> service.send("GET", "/q/health/ready", null, null).statusCode() == 503);
            for (SseClient.Stream stream : streams) {
                assertThat(stream.endsWithin(Duration.ofSeconds(1))).as("a stream ended on SIGTERM").isTrue();
                assertThat(stream.retry()).as("its reconnect hint").hasValue(3000);
            }
            // Each answer now asks the client to leave the connection, so that none is kept for a request it would cut.
            assertThat(service.send("GET", "/v1/projects/shop/cache/k-0-0", BOOTSTRAP, null).headers().firstValue("connection"))
                    .hasValue("close");
            // Still serving through the delay, unready.
            int servedAtUnready = served.size();
            Outcomes.settle(DELAY.dividedBy(2));
            assertThat(served.size()).as("requests served during the delay").isGreaterThan(servedAtUnready);

            service.awaitExit(GRACE);
            Duration exit = Duration.ofNanos(System.nanoTime() - terminated);
            running.set(false);
            for (Thread thread : load) {
                thread.join(10_000);
            }
            System.out.printf("graceful shutdown: exited %d ms after SIGTERM (delay %d ms); %d requests answered (%d before), "
                            + "statuses %s, none cut: %s%n", exit.toMillis(), DELAY.toMillis(), served.size(), servedBefore,
                    served.stream().distinct().toList(), cut);
            assertThat(exit).as("served through the delay, then exited within the grace period").isBetween(DELAY, GRACE);
            // Through the delay the instance is still in the load balancer's rotation: nothing sent then may be cut. Once the
            // delay is over it is out of rotation (what the delay is for), and only this test's clients, which keep sending
            // to it directly, can meet its closing connections.
            long delayOver = terminated + DELAY.toNanos();
            assertThat(cut).as("requests cut that were sent before the delay was over")
                    .noneMatch(request -> request.began() - delayOver < 0);
            assertThat(served).allSatisfy(status -> assertThat(status).isIn(200, 201, 503));
        } finally {
            running.set(false);
            service.kill();
        }
    }

    /** Java's HTTP client reports a refused connection under other types too: the request never reached the service. */
    private static boolean refusedConnection(Exception e) {
        for (Throwable at = e; at != null; at = at.getCause()) {
            if (at instanceof ConnectException) {
                return true;
            }
        }
        return false;
    }
}
