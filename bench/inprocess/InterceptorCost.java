package application;

import domain.StoreUnavailableException;
import domain.access.BootstrapKey;
import domain.access.Principal;
import domain.cache.CacheEntry;
import domain.cache.CacheKey;
import domain.cache.CacheRepository;
import domain.cache.Precondition;
import domain.project.ProjectId;
import io.opentelemetry.instrumentation.annotations.SpanAttribute;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Supplier;
import org.eclipse.microprofile.faulttolerance.Fallback;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * A study, not a test: what a hot use case's instrumentation costs per call, in process, on the
 * memory store. One cache read's body is called bare, through the interceptor chain it carried
 * before ({@code @WithSpan @Measured @Guarded @Fallback}, kept here as {@link AnnotatedRead}),
 * through the precomputed {@link HotPath} that replaced it, through the guard alone, and as
 * {@link CacheService#read} itself. Run by bench/interceptor-cost once per tracing mode
 * ({@code -Dbench.tracing=off|sampled-out|sampled-in}); appends one line per variant to
 * {@code target/interceptor-cost.txt}: wall time and the process's CPU time per call (the latter
 * suffers less from whatever else the machine runs).
 */
@QuarkusTest
@TestProfile(InterceptorCost.Tracing.class)
class InterceptorCost {

    private static final int ROUNDS = Integer.getInteger("bench.rounds", 9);
    private static final int CALLS = Integer.getInteger("bench.calls", 200_000);
    private static final String MODE = System.getProperty("bench.tracing", "off");
    private static final com.sun.management.OperatingSystemMXBean PROCESS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static final String BARE = "bare body (no instrumentation)";

    /** The memory store; tracing off (the default without an endpoint), sampled out, or sampled in. */
    public static class Tracing implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new LinkedHashMap<>();
            config.put("cache-domain.store", "memory");
            config.put("quarkus.redis.hosts", "redis://127.0.0.1:1");
            if (!MODE.equals("off")) {
                config.put("quarkus.otel.sdk.disabled", "false");
                config.put("quarkus.otel.traces.sampler", MODE.equals("sampled-in") ? "always_on" : "always_off");
                config.put("quarkus.otel.simple", "true");
                config.put("quarkus.otel.exporter.otlp.enabled", "false");
            }
            return config;
        }
    }

    /** The cache read's body, as CacheService runs it inside its instrumentation. */
    static Uni<Optional<CacheEntry>> body(CacheRepository cache, Principal caller, ProjectId project, CacheKey key) {
        return Uni.createFrom().deferred(() -> {
            Access.require(caller, project, domain.access.Scope.CACHE_READ);
            return Retries.idempotent(() -> cache.find(project, key))
                    .invoke(found -> Outcomes.mark(found.isPresent() ? "hit" : "miss"));
        });
    }

    /** The cache read as it was instrumented before: by the interceptor chain. */
    @ApplicationScoped
    @Measured
    public static class AnnotatedRead {

        @Inject
        CacheRepository cache;

        @WithSpan("cache.read")
        @Guarded(Guards.CACHE)
        @Fallback(fallbackMethod = "miss",
                applyOn = {StoreUnavailableException.class, TimeoutException.class, CircuitBreakerOpenException.class})
        public Uni<Optional<CacheEntry>> read(Principal caller, @SpanAttribute(Outcomes.PROJECT) ProjectId project, CacheKey key) {
            return body(cache, caller, project, key);
        }

        Uni<Optional<CacheEntry>> miss(Principal caller, ProjectId project, CacheKey key, Throwable failure) {
            return Uni.createFrom().item(Optional.empty());
        }
    }

    @Inject
    CacheService service;
    @Inject
    AnnotatedRead annotated;
    @Inject
    CacheRepository repository;
    @Inject
    HotPaths paths;
    @Inject
    BootstrapKey bootstrap;
    @Inject
    InMemorySpanExporter spans;
    @Inject
    @Identifier(Guards.CACHE)
    StoreGuard guard;

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void measure() throws IOException {
        Principal caller = bootstrap.principal();
        ProjectId project = ProjectId.of("bench");
        CacheKey key = CacheKey.of("hot");
        service.write(caller, project, key, "{\"v\":1}", OptionalLong.empty(), Set.of(), new Precondition.Always())
                .await().indefinitely();
        HotPath hot = paths.of("cache.read", guard);

        Map<String, Supplier<Uni<Optional<CacheEntry>>>> variants = new LinkedHashMap<>();
        variants.put(BARE, () -> body(repository, caller, project, key));
        variants.put("guard alone (budget, breaker)", () -> guard.get(() -> body(repository, caller, project, key)));
        variants.put("interceptor chain (@WithSpan @Measured @Guarded @Fallback)", () -> annotated.read(caller, project, key));
        variants.put("HotPath (span if sampled, guard call, timer)",
                () -> hot.call(project, () -> body(repository, caller, project, key), failure -> Uni.createFrom().item(Optional.empty())));
        variants.put("CacheService.read as shipped", () -> service.read(caller, project, key));

        for (Supplier<Uni<Optional<CacheEntry>>> variant : variants.values()) {
            run(variant, CALLS); // warm-up
        }
        Map<String, List<Double>> wall = new LinkedHashMap<>();
        Map<String, List<Double>> cpu = new LinkedHashMap<>();
        variants.keySet().forEach(name -> wall.put(name, new ArrayList<>()));
        variants.keySet().forEach(name -> cpu.put(name, new ArrayList<>()));
        for (int round = 0; round < ROUNDS; round++) {
            for (Map.Entry<String, Supplier<Uni<Optional<CacheEntry>>>> variant : variants.entrySet()) {
                long cpuBefore = PROCESS.getProcessCpuTime();
                wall.get(variant.getKey()).add(run(variant.getValue(), CALLS));
                cpu.get(variant.getKey()).add((PROCESS.getProcessCpuTime() - cpuBefore) / (double) CALLS);
            }
        }
        StringBuilder report = new StringBuilder();
        double baseWall = median(wall.get(BARE));
        double baseCpu = median(cpu.get(BARE));
        for (String variant : variants.keySet()) {
            double w = median(wall.get(variant));
            double c = median(cpu.get(variant));
            // The least disturbed round says most on a busy machine: the minimum, next to the median.
            double least = cpu.get(variant).stream().mapToDouble(Double::doubleValue).min().orElseThrow();
            report.append(String.format("%s | %s | CPU median %.1f µs/call (+%.1f over bare), min %.1f | wall median %.1f µs/call (+%.1f)"
                    + " | CPU rounds %s%n",
                    MODE, variant, c / 1000, (c - baseCpu) / 1000, least / 1000, w / 1000, (w - baseWall) / 1000,
                    cpu.get(variant).stream().map(v -> String.format("%.1f", v / 1000)).toList()));
        }
        System.out.print(report);
        Files.writeString(Path.of("target/interceptor-cost.txt"), report, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** Nanoseconds per call over {@code calls} calls, each awaited. */
    private double run(Supplier<Uni<Optional<CacheEntry>>> variant, int calls) {
        long start = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            if (variant.get().await().indefinitely().isEmpty()) {
                throw new IllegalStateException("the entry is gone");
            }
            if (i % 10_000 == 0) {
                spans.reset();
            }
        }
        return (System.nanoTime() - start) / (double) calls;
    }

    private static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
