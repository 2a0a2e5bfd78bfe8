package application;

import domain.encryption.KeyRotation;
import domain.encryption.KeysetInfo;
import domain.encryption.ValueFormat;
import domain.project.ProjectId;

import application.SlowOperations.SlowOperation;
import domain.store.StoreStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The operator's view of one instance: the store, every circuit breaker, recent slow operations,
 * and what deserves attention.
 *
 * @param status         {@link Status#DOWN} when the store cannot be reached, {@link Status#DEGRADED}
 *                       when a breaker is not closed or there is a warning, else {@link Status#UP}
 * @param store          the store's state; empty when it could not be reached
 * @param storeError     why the store could not be reached
 * @param breakers       each capability's breaker: {@code closed}, {@code open} or {@code half-open}
 * @param slowThreshold  operations slower than this are listed
 * @param slowOperations the most recent slow operations, newest first
 * @param slowTotal      slow operations since start
 * @param warnings       what the operator should act on
 * @param values         how values are stored: compression and encryption, keys and rotations
 */
public record HealthReport(Status status, Optional<StoreStatus> store, Optional<String> storeError,
        Map<String, String> breakers, Duration slowThreshold, List<SlowOperation> slowOperations, long slowTotal,
        List<String> warnings, Values values) {

    /**
     * How values are stored: the service's setting, the key-encryption key's id (never the key), and
     * each project with a setting of its own or a key rotation: its setting, its keys' ids and states,
     * its latest rotation.
     */
    public record Values(ValueFormat service, Optional<String> keyEncryptionKeyId, List<ProjectValues> projects) {
    }

    /** One project's values: its setting, its keys (empty when it has none, or the store did not answer), its latest rotation. */
    public record ProjectValues(ProjectId project, ValueFormat format, Optional<KeysetInfo> keys, Optional<KeyRotation> lastRotation) {
    }

    /** The overall state. */
    public enum Status {
        UP,
        DEGRADED,
        DOWN
    }
}
