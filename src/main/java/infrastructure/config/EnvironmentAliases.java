package infrastructure.config;

import infrastructure.rest.BodyLimit;
import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.Priorities;
import jakarta.annotation.Priority;
import java.util.Map;

/**
 * Accepts the seed's and OpenTelemetry's standard environment names ({@code REDIS_URL},
 * {@code CACHE_PROJECT_DATA_TTL}, {@code OTEL_EXPORTER_OTLP_ENDPOINT}, {@code OTEL_TRACES_SAMPLER},
 * {@code OTEL_SERVICE_NAME}, ...) as aliases of the service's own settings, and turns tracing off
 * unless an exporter endpoint is configured (or {@code OTEL_SDK_DISABLED} says otherwise).
 *
 * <p>An alias overrides what the service ships (its application.properties and built-in
 * defaults); the setting itself, configured by the operator in the environment or as a system
 * property, wins over its alias.
 *
 * <p>The HTTP layer's body limit ({@code quarkus.http.limits.max-body-size}) follows the larger of the
 * value limit ({@link BodyLimit#bound(long)}) and the import limit unless the operator sets it; the
 * service's own edge applies each to its paths.
 */
@Priority(Priorities.LIBRARY + 500)
public final class EnvironmentAliases implements ConfigSourceInterceptor {

    static final Map<String, String> ALIASES = Map.ofEntries(
            Map.entry("quarkus.redis.hosts", "REDIS_URL"),
            Map.entry("quarkus.redis.max-pool-size", "REDIS_MAX_CONNECTIONS"),
            Map.entry("cache-domain.cache.default-ttl", "CACHE_PROJECT_DATA_TTL"),
            Map.entry("cache-domain.cache.read-buffer-size", "CACHE_METRICS_BUFFER_SIZE"),
            Map.entry("cache-domain.sessions.idle-timeout", "CACHE_USER_SESSION_TTL"),
            Map.entry("cache-domain.progress.ttl", "CACHE_PROGRESS_TTL"),
            Map.entry("cache-domain.tasks.status-ttl", "CACHE_TASK_STATUS_TTL"),
            Map.entry("cache-domain.rate-limits.default-requests", "RATE_LIMIT_DEFAULT_REQUESTS"),
            Map.entry("cache-domain.rate-limits.default-window", "RATE_LIMIT_DEFAULT_WINDOW"),
            Map.entry("quarkus.otel.exporter.otlp.endpoint", "OTEL_EXPORTER_OTLP_ENDPOINT"),
            Map.entry("quarkus.otel.exporter.otlp.traces.endpoint", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"),
            Map.entry("quarkus.otel.exporter.otlp.headers", "OTEL_EXPORTER_OTLP_HEADERS"),
            Map.entry("quarkus.otel.exporter.otlp.protocol", "OTEL_EXPORTER_OTLP_PROTOCOL"),
            Map.entry("quarkus.otel.traces.sampler", "OTEL_TRACES_SAMPLER"),
            Map.entry("quarkus.otel.traces.sampler.arg", "OTEL_TRACES_SAMPLER_ARG"),
            Map.entry("quarkus.otel.service.name", "OTEL_SERVICE_NAME"),
            Map.entry("quarkus.otel.resource.attributes", "OTEL_RESOURCE_ATTRIBUTES"));

    /** The standard switch of the OpenTelemetry SDK, honoured like the service's own setting. */
    static final String OTEL_SDK_DISABLED = "OTEL_SDK_DISABLED";

    static final String SDK_DISABLED = "quarkus.otel.sdk.disabled";

    static final String MAX_BODY_SIZE = "quarkus.http.limits.max-body-size";
    static final String MAX_VALUE_BYTES = "cache-domain.cache.max-value-bytes";
    static final String MAX_IMPORT_BYTES = "cache-domain.import.max-bytes";

    /** Config sources at or below this ordinal are what the service ships: application.properties (250) and defaults. */
    private static final int SHIPPED_ORDINAL = 250;

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        ConfigValue value = context.proceed(name);
        if (name.equals(SDK_DISABLED) && !isOperatorSet(value)) {
            ConfigValue standard = context.proceed(OTEL_SDK_DISABLED);
            if (standard != null) {
                return standard.withName(name);
            }
            // Spans that no exporter takes cost CPU and, with OTLP's default endpoint, connection attempts.
            boolean endpoint = isOperatorSet(getValue(context, "quarkus.otel.exporter.otlp.endpoint"))
                    || isOperatorSet(getValue(context, "quarkus.otel.exporter.otlp.traces.endpoint"));
            return ConfigValue.builder().withName(name).withValue(Boolean.toString(!endpoint))
                    .withConfigSourceName("EnvironmentAliases").withConfigSourceOrdinal(SHIPPED_ORDINAL).build();
        }
        if (name.equals(MAX_BODY_SIZE) && !isOperatorSet(value)) {
            ConfigValue valueLimit = context.proceed(MAX_VALUE_BYTES);
            String maxValueBytes = valueLimit == null || valueLimit.getValue() == null
                    ? CacheConfig.DEFAULT_MAX_VALUE_BYTES : valueLimit.getValue().trim();
            ConfigValue importLimit = context.proceed(MAX_IMPORT_BYTES);
            String maxImportBytes = importLimit == null || importLimit.getValue() == null
                    ? ImportConfig.DEFAULT_MAX_BYTES : importLimit.getValue().trim();
            try {
                long largest = Math.max(BodyLimit.bound(Long.parseLong(maxValueBytes)), Long.parseLong(maxImportBytes));
                return ConfigValue.builder().withName(name).withValue(Long.toString(largest))
                        .withConfigSourceName("EnvironmentAliases").withConfigSourceOrdinal(SHIPPED_ORDINAL).build();
            } catch (NumberFormatException e) {
                return value; // the cache settings' own validation reports it
            }
        }
        String alias = ALIASES.get(name);
        if (alias == null || isOperatorSet(value)) {
            return value;
        }
        ConfigValue aliased = context.proceed(alias);
        return aliased != null ? aliased.withName(name) : value;
    }

    private static boolean isOperatorSet(ConfigValue value) {
        return value != null && value.getConfigSourceOrdinal() > SHIPPED_ORDINAL;
    }
}
