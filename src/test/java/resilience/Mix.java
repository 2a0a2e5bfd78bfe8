package resilience;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import support.Http;
import support.Tenant;
import support.Traffic;
import support.Traffic.Call;

/** The requests a fault test keeps making, and what each must answer while the store is gone. */
final class Mix {

    static final String READ = "cache read";
    static final String WRITE = "cache write";
    static final String SESSION = "session validation";
    static final String OPEN = "rate limit failing open";
    static final String CLOSED = "rate limit failing closed";
    static final String STEP = "progress step";
    static final String PROGRESS = "progress read";

    private Mix() {
    }

    static List<Traffic.Request> of(Tenant tenant) {
        return List.of(
                new Traffic.Request(READ, tenant::readEntry),
                new Traffic.Request(WRITE, tenant::writeEntry),
                new Traffic.Request(SESSION, tenant::validateSession),
                new Traffic.Request(OPEN, () -> tenant.check(tenant.openPolicy)),
                new Traffic.Request(CLOSED, () -> tenant.check(tenant.closedPolicy)),
                new Traffic.Request(STEP, tenant::recordStep),
                new Traffic.Request(PROGRESS, tenant::readProgress));
    }

    /** Every call made while the store was gone answered by its capability's failure policy. */
    static void assertFailurePolicy(List<Call> calls) {
        assertThat(calls).extracting(Call::request).contains(READ, WRITE, SESSION, OPEN, CLOSED, STEP, PROGRESS);
        for (Call call : calls) {
            Http.Answer answer = call.answer();
            switch (call.request()) {
                case READ -> assertThat(answer.status()).as("a cache read misses").isEqualTo(404);
                case WRITE -> assertThat(answer.status()).as("a cache write fails").isEqualTo(503);
                case SESSION -> assertThat(answer.status()).as("sessions fail closed").isEqualTo(503);
                case OPEN -> assertDecision(answer, true);
                case CLOSED -> assertDecision(answer, false);
                case STEP -> assertThat(answer.status()).as("progress fails: a step is never taken as recorded").isEqualTo(503);
                case PROGRESS -> assertThat(answer.status()).as("progress fails").isEqualTo(503);
                default -> throw new IllegalStateException(call.request());
            }
        }
    }

    private static void assertDecision(Http.Answer answer, boolean allowed) {
        assertThat(answer.status()).isEqualTo(200);
        JsonNode decision = Tenant.json(answer);
        assertThat(decision.get("allowed").asBoolean()).as("decided by the fail mode").isEqualTo(allowed);
        assertThat(decision.get("degraded").asBoolean()).as("and marked degraded").isTrue();
    }

    /** Waits until every capability serves normally (from the store, nothing degraded) and returns how long that took. */
    static Duration awaitNormalService(Tenant tenant, Duration atMost) {
        return awaitNormalService(tenant, tenant.cacheKey, atMost);
    }

    /**
     * Waits until every capability serves normally and returns how long that took: the entry is read
     * from the store, a write is stored, the session validates, a closed policy admits without
     * degrading, a key never seen before authenticates, readiness is UP.
     */
    static Duration awaitNormalService(Tenant tenant, String unseenKey, Duration atMost) {
        long start = System.nanoTime();
        Awaitility.await("normal service").atMost(atMost).pollInterval(Duration.ofMillis(50)).until(() -> {
            Http.Answer read = tenant.readEntry();
            if (read.status() != 200 || tenant.writeEntry().status() != 200 || tenant.validateSession().status() != 200
                    || tenant.recordStep().status() != 200 || tenant.readProgress().status() != 200) {
                return false;
            }
            Http.Answer check = tenant.check(tenant.closedPolicy);
            if (check.status() != 200 || Tenant.json(check).get("degraded").asBoolean()
                    || !Tenant.json(check).get("allowed").asBoolean()) {
                return false;
            }
            return Http.get(tenant.entryPath(), unseenKey).status() == 200 && Http.get("/q/health/ready", null).status() == 200;
        });
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
