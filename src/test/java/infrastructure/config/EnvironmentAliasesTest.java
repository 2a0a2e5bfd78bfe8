package infrastructure.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvironmentAliasesTest {

    private static final int SHIPPED = 250;
    private static final int ENVIRONMENT = 300;

    private static SmallRyeConfig config(Map<String, String> shipped, Map<String, String> environment) {
        return new SmallRyeConfigBuilder()
                .withInterceptors(new EnvironmentAliases())
                .withSources(new PropertiesConfigSource(shipped, "application.properties", SHIPPED))
                .withSources(new PropertiesConfigSource(environment, "environment", ENVIRONMENT))
                .build();
    }

    @Test
    void letsASeedAliasOverrideWhatTheServiceShips() {
        SmallRyeConfig config = config(Map.of("quarkus.redis.max-pool-size", "32"),
                Map.of("REDIS_MAX_CONNECTIONS", "64", "REDIS_URL", "redis://cache:6380", "CACHE_PROJECT_DATA_TTL", "120",
                        "CACHE_USER_SESSION_TTL", "900", "RATE_LIMIT_DEFAULT_REQUESTS", "250", "RATE_LIMIT_DEFAULT_WINDOW", "60",
                        "CACHE_PROGRESS_TTL", "600"));

        assertThat(config.getRawValue("quarkus.redis.max-pool-size")).isEqualTo("64");
        assertThat(config.getRawValue("quarkus.redis.hosts")).isEqualTo("redis://cache:6380");
        assertThat(config.getRawValue("cache-domain.cache.default-ttl")).isEqualTo("120");
        assertThat(config.getRawValue("cache-domain.sessions.idle-timeout")).isEqualTo("900");
        assertThat(config.getRawValue("cache-domain.rate-limits.default-requests")).isEqualTo("250");
        assertThat(config.getRawValue("cache-domain.rate-limits.default-window")).isEqualTo("60");
        assertThat(config.getRawValue("cache-domain.progress.ttl")).isEqualTo("600");
    }

    @Test
    void letsTheOperatorsOwnSettingWinOverItsAlias() {
        SmallRyeConfig config = config(Map.of(),
                Map.of("quarkus.redis.hosts", "redis://primary:6379", "REDIS_URL", "redis://alias:6379"));

        assertThat(config.getRawValue("quarkus.redis.hosts")).isEqualTo("redis://primary:6379");
    }

    @Test
    void keepsTheShippedValueWhenNoAliasIsSet() {
        SmallRyeConfig config = config(Map.of("quarkus.redis.max-pool-size", "32"), Map.of());

        assertThat(config.getRawValue("quarkus.redis.max-pool-size")).isEqualTo("32");
        assertThat(config.getRawValue("quarkus.redis.hosts")).isNull();
    }

    @Test
    void tiesTheHttpBodyLimitToTheLargerOfTheValueAndImportLimitsUnlessTheOperatorSetsIt() {
        assertThat(config(Map.of(), Map.of()).getRawValue(EnvironmentAliases.MAX_BODY_SIZE))
                .isEqualTo(Long.toString(32L * 1048576));
        assertThat(config(Map.of(), Map.of(EnvironmentAliases.MAX_VALUE_BYTES, "100", EnvironmentAliases.MAX_IMPORT_BYTES, "1000"))
                .getRawValue(EnvironmentAliases.MAX_BODY_SIZE)).isEqualTo(Long.toString(800 + 65536));
        assertThat(config(Map.of(), Map.of(EnvironmentAliases.MAX_VALUE_BYTES, "100", EnvironmentAliases.MAX_IMPORT_BYTES, "100000000"))
                .getRawValue(EnvironmentAliases.MAX_BODY_SIZE)).isEqualTo("100000000");
        assertThat(config(Map.of(), Map.of(EnvironmentAliases.MAX_BODY_SIZE, "1G"))
                .getRawValue(EnvironmentAliases.MAX_BODY_SIZE)).isEqualTo("1G");
    }

    @Test
    void turnsTracingOffWhileNoExporterEndpointIsConfigured() {
        assertThat(config(Map.of(), Map.of()).getRawValue(EnvironmentAliases.SDK_DISABLED)).isEqualTo("true");
        assertThat(config(Map.of(), Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4317"))
                .getRawValue(EnvironmentAliases.SDK_DISABLED)).isEqualTo("false");
        assertThat(config(Map.of(), Map.of("quarkus.otel.exporter.otlp.traces.endpoint", "http://collector:4317"))
                .getRawValue(EnvironmentAliases.SDK_DISABLED)).isEqualTo("false");
    }

    @Test
    void acceptsOpenTelemetrysStandardNames() {
        SmallRyeConfig config = config(Map.of("quarkus.otel.traces.sampler", "parentbased_traceidratio"),
                Map.of("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://collector:4318/v1/traces",
                        "OTEL_EXPORTER_OTLP_HEADERS", "authorization=Bearer x", "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf",
                        "OTEL_TRACES_SAMPLER", "always_on", "OTEL_TRACES_SAMPLER_ARG", "0.5",
                        "OTEL_SERVICE_NAME", "cache-eu", "OTEL_RESOURCE_ATTRIBUTES", "deployment.environment=prod"));

        assertThat(config.getRawValue("quarkus.otel.exporter.otlp.traces.endpoint")).isEqualTo("http://collector:4318/v1/traces");
        assertThat(config.getRawValue("quarkus.otel.exporter.otlp.headers")).isEqualTo("authorization=Bearer x");
        assertThat(config.getRawValue("quarkus.otel.exporter.otlp.protocol")).isEqualTo("http/protobuf");
        assertThat(config.getRawValue("quarkus.otel.traces.sampler")).isEqualTo("always_on");
        assertThat(config.getRawValue("quarkus.otel.traces.sampler.arg")).isEqualTo("0.5");
        assertThat(config.getRawValue("quarkus.otel.service.name")).isEqualTo("cache-eu");
        assertThat(config.getRawValue("quarkus.otel.resource.attributes")).isEqualTo("deployment.environment=prod");
        assertThat(config.getRawValue(EnvironmentAliases.SDK_DISABLED)).as("a traces endpoint turns tracing on").isEqualTo("false");
    }

    @Test
    void honoursTheStandardSwitchOverAConfiguredEndpoint() {
        assertThat(config(Map.of(), Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4317", "OTEL_SDK_DISABLED", "true"))
                .getRawValue(EnvironmentAliases.SDK_DISABLED)).isEqualTo("true");
    }

    @Test
    void honoursAnExplicitTracingChoice() {
        assertThat(config(Map.of(), Map.of(EnvironmentAliases.SDK_DISABLED, "false"))
                .getRawValue(EnvironmentAliases.SDK_DISABLED)).isEqualTo("false");
    }
}
