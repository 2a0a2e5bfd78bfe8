package resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import support.OwnRedisProfile;
import support.Tenant;
import support.Traffic;
import support.Traffic.Call;

/**
 * Fifty clients at once, on Redis with the default pool, timeouts and breakers, each going round
 * cache writes and reads, rate limit checks and session validations: no answer is a 5xx.
 */
@QuarkusTest
@TestProfile(OwnRedisProfile.class)
class ConcurrentClientsTest {

    private static final int CLIENTS = 50;
    private static final int CALLS = 3_000;

    @Test
    void fiftyConcurrentClientsGetNoServerErrors() {
        List<Tenant> tenants = IntStream.range(0, 5).mapToObj(i -> Tenant.withEveryCapability()).toList();
        List<Traffic.Request> mix = tenants.stream().flatMap(t -> Mix.of(t).stream()).toList();

        List<Call> calls;
        try (Traffic traffic = Traffic.start(CLIENTS, mix)) {
            Awaitility.await(CALLS + " calls").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
                    .until(() -> traffic.calls().size() >= CALLS);
            calls = traffic.stop();
        }

        Map<Integer, Long> statuses = calls.stream().collect(Collectors.groupingBy(c -> c.answer().status(), Collectors.counting()));
        System.out.printf("%d clients, %d calls: statuses %s, slowest %d ms%n", CLIENTS, calls.size(), statuses,
                calls.stream().mapToLong(c -> c.answer().millis()).max().orElse(0));
        assertThat(statuses.keySet()).as("no server error, no unanswered call").allMatch(status -> status >= 200 && status < 500);
        Map<String, Long> byRequest = calls.stream().collect(Collectors.groupingBy(Call::request, Collectors.counting()));
        assertThat(byRequest).as("every kind of request was made").containsKeys(Mix.READ, Mix.WRITE, Mix.SESSION, Mix.OPEN, Mix.CLOSED);
        assertThat(calls).filteredOn(c -> c.request().equals(Mix.READ)).extracting(c -> c.answer().status())
                .as("the entries were read").containsOnly(200);
    }
}
