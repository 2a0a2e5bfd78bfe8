package application;

import domain.StoreUnavailableException;
import domain.access.Principal;
import domain.access.Scope;
import domain.encryption.KeyRotation;
import domain.encryption.KeysetOwner;
import domain.encryption.KeysetInfo;
import domain.encryption.ProjectKeys;
import domain.encryption.ValueFormats;
import domain.project.ProjectId;
import domain.store.StoreProbe;
import domain.store.StoreStatus;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The operator's health report (scope {@code admin}): it probes the store directly, never through
 * a breaker, so that it tells the truth while the breakers are open; the probe bounds its own wait.
 */
@ApplicationScoped
@Measured
public class HealthService {

    /** The most projects whose values the report lists, in id order. */
    static final int MAX_PROJECTS_LISTED = 100;

    private final StoreProbe probe;
    private final Breakers breakers;
    private final SlowOperations slow;
    private final ValueFormats formats;
    private final ProjectKeys keys;

    public HealthService(StoreProbe probe, Breakers breakers, SlowOperations slow, ValueFormats formats,
            ProjectKeys keys) {
        this.probe = probe;
        this.breakers = breakers;
        this.slow = slow;
        this.formats = formats;
        this.keys = keys;
    }

    @WithSpan("admin.health")
    public Uni<HealthReport> report(Principal caller) {
        return Uni.createFrom().deferred(() -> {
            Access.require(caller, Scope.ADMIN);
            Uni<Either> store = probe.probe()
                    .map(status -> new Either(Optional.of(status), Optional.empty()))
                    .onFailure(StoreUnavailableException.class)
                    .recoverWithItem(failure -> new Either(Optional.empty(), Optional.of(failure.getMessage())));
            return store.chain(probed -> values(caller, probed.status.isPresent())
                    .map(values -> report(probed.status, probed.error, values)));
        });
    }

    /** Each breaker's state by name, in the order of {@link Guards#BREAKERS}. */
    public Map<String, String> breakerStates() {
        Map<String, String> states = new LinkedHashMap<>();
        Guards.BREAKERS.forEach(name -> states.put(name, breakers.state(name).name().toLowerCase(Locale.ROOT).replace('_', '-')));
        return states;
    }

    /** What the probe found: the store's state, or why there is none. */
    private record Either(Optional<StoreStatus> status, Optional<String> error) {
    }

    /**
     * How values are stored, for the projects the caller administers. Keys and rotations come from the store, each read bounded by the probe's
     * own failure handling: when the store does not answer, the settings are reported without them.
     */
    private Uni<HealthReport.Values> values(Principal caller, boolean storeAnswers) {
        Uni<List<KeyRotation>> rotations = storeAnswers ? keys.rotations().onFailure().recoverWithItem(List.of())
                : Uni.createFrom().item(List.of());
        return rotations.chain(all -> {
            Map<ProjectId, KeyRotation> latest = new TreeMap<>(Comparator.comparing(ProjectId::value));
            all.forEach(r -> r.owner().project().ifPresent(project -> latest.put(project, r)));
            Set<ProjectId> listed = new TreeSet<>(Comparator.comparing(ProjectId::value));
            listed.addAll(formats.projects().keySet());
            listed.addAll(latest.keySet());
            // Only the projects the caller administers: an admin of one project learns nothing of the others.
            List<ProjectId> shown = listed.stream().filter(p -> caller.permits(p, Scope.ADMIN)).limit(MAX_PROJECTS_LISTED).toList();
            if (shown.isEmpty()) {
                return Uni.createFrom().item(new HealthReport.Values(formats.service(), formats.keyEncryptionKeyId(), List.of()));
            }
            List<Uni<HealthReport.ProjectValues>> each = shown.stream().map(project -> (storeAnswers
                            ? keys.describe(KeysetOwner.of(project)).onFailure().recoverWithItem(Optional.empty())
                            : Uni.createFrom().item(Optional.<KeysetInfo>empty()))
                    .map(keyset -> new HealthReport.ProjectValues(project, formats.of(project), keyset,
                            Optional.ofNullable(latest.get(project))))).toList();
            return Uni.join().all(each).andFailFast()
                    .map(projects -> new HealthReport.Values(formats.service(), formats.keyEncryptionKeyId(), projects));
        });
    }

    private HealthReport report(Optional<StoreStatus> store, Optional<String> storeError, HealthReport.Values values) {
        Map<String, String> states = breakerStates();
        List<String> warnings = new ArrayList<>(store.map(StoreStatus::warnings).orElse(List.of()));
        states.forEach((name, state) -> {
            if (!state.equals("closed")) {
                warnings.add("circuit breaker " + name + " is " + state + ": " + name + " answers by its failure policy");
            }
        });
        HealthReport.Status status = store.isEmpty() ? HealthReport.Status.DOWN
                : warnings.isEmpty() ? HealthReport.Status.UP : HealthReport.Status.DEGRADED;
        Outcomes.mark(status.name().toLowerCase(Locale.ROOT));
        return new HealthReport(status, store, storeError, states, slow.threshold(), slow.recent(), slow.total(),
                List.copyOf(warnings), values);
    }
}
