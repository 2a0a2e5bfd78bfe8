package application;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import domain.StoreUnavailableException;
import domain.access.Principal;
import domain.access.ProjectAccess;
import domain.access.Scope;
import domain.store.EvictionPolicy;
import domain.store.StoreProbe;
import domain.store.StoreStatus;
import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HealthServiceTest {

    private static final Principal ADMIN = new Principal("ops", ProjectAccess.all(), Set.of(Scope.ADMIN));
    private static final StoreStatus HEALTHY = new StoreStatus("redis", Optional.of("7.2.4"), Duration.ofMillis(1), 1_000,
            0, EvictionPolicy.NO_EVICTION, List.of(), 0);

    private final Breakers breakers = new Breakers();
    private final SlowOperations slow = new SlowOperations(Duration.ofMillis(100), Clock.systemUTC());

    private final domain.encryption.ProjectKeysets keysets = new infrastructure.memory.InMemoryProjectKeysets();
    private final infrastructure.values.ProjectKeyrings keys = support.ValueCodecs.keyrings(keysets, support.ValueCodecs.randomKek());
    private static final domain.encryption.ValueFormat SECRET = new domain.encryption.ValueFormat(true, 5, 256, true);

    /** The service's setting is the default; the project secret has its own. */
    private final domain.encryption.ValueFormats formats = new domain.encryption.ValueFormats() {
        @Override
        public domain.encryption.ValueFormat of(domain.project.ProjectId project) {
            return project.value().equals("secret") ? SECRET : service();
        }

        @Override
        public domain.encryption.ValueFormat service() {
            return domain.encryption.ValueFormat.DEFAULT;
        }

        @Override
        public java.util.Map<domain.project.ProjectId, domain.encryption.ValueFormat> projects() {
            return java.util.Map.of(domain.project.ProjectId.of("secret"), SECRET);
        }

        @Override
        public Optional<String> keyEncryptionKeyId() {
            return Optional.of("local-test");
        }
    };

    private HealthReport report(StoreProbe probe, Principal caller) {
        return new HealthService(probe, breakers, slow, formats, keys).report(caller).await().atMost(Duration.ofSeconds(5));
    }

    @Test
    void reportsEachProjectsValueSettingKeysAndLastRotationButNoKeyMaterial() {
        domain.project.ProjectId shop = domain.project.ProjectId.of("shop");
        domain.encryption.KeyRotation rotation = keys.rotate(domain.encryption.KeysetOwner.of(shop)).await().atMost(Duration.ofSeconds(5));
        keys.retire(domain.encryption.KeysetOwner.of(shop), rotation.primaryKeyId()).await().atMost(Duration.ofSeconds(5));

        HealthReport.Values values = report(() -> io.smallrye.mutiny.Uni.createFrom().item(HEALTHY), ADMIN).values();

        assertThat(values.service()).isEqualTo(domain.encryption.ValueFormat.DEFAULT);
        assertThat(values.keyEncryptionKeyId()).contains("local-test");
        assertThat(values.projects()).extracting(p -> p.project().value()).containsExactly("secret", "shop");
        HealthReport.ProjectValues secret = values.projects().get(0);
        assertThat(secret.format()).isEqualTo(SECRET);
        assertThat(secret.keys()).as("it never encrypted a value yet").isEmpty();
        HealthReport.ProjectValues rotated = values.projects().get(1);
        assertThat(rotated.keys()).hasValueSatisfying(k -> assertThat(k.primaryKeyId()).isEqualTo(rotation.primaryKeyId()));
        assertThat(rotated.lastRotation()).hasValueSatisfying(r -> assertThat(r.finished()).isTrue());
    }

    @Test
    void listsOnlyTheProjectsTheCallerAdministers() {
        keys.rotate(domain.encryption.KeysetOwner.of(domain.project.ProjectId.of("shop"))).await().atMost(Duration.ofSeconds(5));
        Principal shopAdmin = new Principal("shop-ops", ProjectAccess.only(Set.of(domain.project.ProjectId.of("shop"))),
                Set.of(Scope.ADMIN));

        HealthReport.Values values = report(() -> io.smallrye.mutiny.Uni.createFrom().item(HEALTHY), shopAdmin).values();

        assertThat(values.projects()).extracting(p -> p.project().value()).containsExactly("shop");
    }

    @Test
    void reportsValueSettingsWithoutKeysWhenTheStoreIsDown() {
        HealthReport report = report(() -> io.smallrye.mutiny.Uni.createFrom().failure(
                new domain.StoreUnavailableException("down", null)), ADMIN);

        assertThat(report.values().projects()).extracting(p -> p.project().value()).containsExactly("secret");
        assertThat(report.values().projects().get(0).keys()).isEmpty();
    }

    @Test
    void isUpWhenTheStoreAnswersEveryBreakerIsClosedAndNothingIsAmiss() {
        HealthReport report = report(() -> Uni.createFrom().item(HEALTHY), ADMIN);

        assertThat(report.status()).isEqualTo(HealthReport.Status.UP);
        assertThat(report.store()).contains(HEALTHY);
        assertThat(report.breakers()).containsOnlyKeys(Guards.BREAKERS).containsValues("closed");
        assertThat(report.warnings()).isEmpty();
    }

    @Test
    void isDegradedWhileABreakerIsOpenAndSaysWhich() {
        breakers.register(support.TestBreakers.open(Guards.SESSIONS));

        HealthReport report = report(() -> Uni.createFrom().item(HEALTHY), ADMIN);

        assertThat(report.status()).isEqualTo(HealthReport.Status.DEGRADED);
        assertThat(report.breakers()).containsEntry(Guards.SESSIONS, "open");
        assertThat(report.warnings()).singleElement().asString().contains("sessions", "open");
    }

    @Test
    void isDegradedWhenTheEvictionPolicyCouldEvictSessions() {
        StoreStatus risky = new StoreStatus("redis", Optional.empty(), Duration.ZERO, 1, 0, new EvictionPolicy("allkeys-lru"),
                List.of(), 0);

        assertThat(report(() -> Uni.createFrom().item(risky), ADMIN).status()).isEqualTo(HealthReport.Status.DEGRADED);
    }

    @Test
    void isDownWithTheReasonWhenTheStoreCannotBeReached() {
        HealthReport report = report(() -> Uni.createFrom().failure(new StoreUnavailableException("connection refused", null)),
                ADMIN);

        assertThat(report.status()).isEqualTo(HealthReport.Status.DOWN);
        assertThat(report.store()).isEmpty();
        assertThat(report.storeError()).contains("connection refused");
    }

    @Test
    void listsTheServicesSlowOperations() {
        slow.record("cache.read", Duration.ofMillis(250), "ok");

        HealthReport report = report(() -> Uni.createFrom().item(HEALTHY), ADMIN);

        assertThat(report.slowOperations()).extracting(SlowOperations.SlowOperation::operation).containsExactly("cache.read");
        assertThat(report.slowThreshold()).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void refusesACallerWithoutTheScopeAdmin() {
        Principal reader = new Principal("reader", ProjectAccess.all(), Set.of(Scope.CACHE_READ));

        assertThatThrownBy(() -> report(() -> Uni.createFrom().item(HEALTHY), reader)).isInstanceOf(AccessDeniedException.class);
    }
}
