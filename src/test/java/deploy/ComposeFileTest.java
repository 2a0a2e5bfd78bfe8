package deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import support.Promtool;

/**
 * deploy/compose.yaml holds together without a container engine (there is none where these tests run): every file
 * it mounts exists, the service runs as on Kubernetes with only settings it knows and secrets from the environment,
 * and each neighbour's configuration points at the service names and ports the file gives them.
 */
class ComposeFileTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Path DEPLOY = Path.of("deploy");
    private static JsonNode services;

    @BeforeAll
    static void read() throws IOException {
        services = YAML.readTree(DEPLOY.resolve("compose.yaml").toFile()).get("services");
    }

    private static JsonNode service(String name) {
        assertThat(services.has(name)).as("service %s", name).isTrue();
        return services.get(name);
    }

    private static Map<String, String> environment(String name) {
        Map<String, String> variables = new TreeMap<>();
        service(name).path("environment").fields().forEachRemaining(e -> variables.put(e.getKey(), e.getValue().asText()));
        return variables;
    }

    /** The bind mounts of a service: the path on the host (relative to this file) to the path in the container. */
    private static Map<Path, String> mounts(String name) {
        Map<Path, String> mounts = new TreeMap<>();
        for (JsonNode volume : service(name).path("volumes")) {
            String[] parts = volume.asText().split(":");
            if (parts[0].startsWith(".")) {
                mounts.put(DEPLOY.resolve(parts[0]).normalize(), parts[1]);
            }
        }
        return mounts;
    }

    @Test
    void everyImageIsPinnedAndEveryMountedFileExists() {
        List<String> services = new ArrayList<>();
        ComposeFileTest.services.fieldNames().forEachRemaining(services::add);

        assertThat(services).contains("cache-domain", "redis", "otel-collector", "prometheus", "grafana");
        for (String name : services) {
            assertThat(service(name).get("image").asText()).as("%s's image", name).matches("[^:\\s]+:[^:\\s]+")
                    .doesNotEndWith(":latest");
            assertThat(mounts(name).keySet()).allSatisfy(file -> assertThat(file).as("mounted by %s", name).exists());
        }
        JsonNode build = service("cache-domain").get("build");
        assertThat(DEPLOY.resolve(build.get("context").asText()).resolve(build.get("dockerfile").asText())).isRegularFile();
    }

    @Test
    void theServiceRunsAsOnKubernetesWithSettingsItKnowsAndSecretsFromTheEnvironment() throws IOException {
        JsonNode service = service("cache-domain");
        Map<String, String> environment = environment("cache-domain");
        Set<String> documented = Settings.documented();

        assertThat(environment.keySet()).allSatisfy(name -> assertThat(Settings.known(documented, name))
                .as("%s is a setting of the service (the README's configuration table)", name).isTrue());
        assertThat(service.get("user").asText()).matches("[1-9][0-9]*");
        assertThat(service.get("read_only").asBoolean()).isTrue();
        // Its only scratch space, where SQLite and zstd unpack and load their native libraries: exec, which a Docker
        // tmpfs is not unless asked.
        assertThat(service.get("tmpfs").get(0).asText()).startsWith("/tmp:").contains("exec").doesNotContain("noexec");
        assertThat(service.get("cap_drop").toString()).isEqualTo("[\"ALL\"]");
        assertThat(service.get("security_opt").toString()).contains("no-new-privileges:true");
        assertThat(service.get("ports").get(0).asText()).isEqualTo("127.0.0.1:8080:8080");
        // No secret is written in the file: each is the environment's, and compose refuses to start without it.
        assertThat(environment.get("CACHE_DOMAIN_AUTH_BOOTSTRAP_KEY")).matches("\\$\\{CACHE_DOMAIN_AUTH_BOOTSTRAP_KEY:\\?[^}]+}");
        assertThat(environment.get("REDIS_URL")).matches("redis://:\\$\\{REDIS_PASSWORD:\\?[^}]+}@redis:6379");
        assertThat(environment("grafana").get("GF_SECURITY_ADMIN_PASSWORD")).matches("\\$\\{GRAFANA_ADMIN_PASSWORD:\\?[^}]+}");
        // Shutdown: the delay and the requests' timeout (20 s by default) end before the engine's kill.
        Duration delay = Duration.parse("PT" + environment.get("QUARKUS_SHUTDOWN_DELAY").toUpperCase());
        Duration grace = Duration.parse("PT" + service.get("stop_grace_period").asText().toUpperCase());
        assertThat(delay.plusSeconds(20)).isLessThan(grace);
    }

    @Test
    void onlyTheLocalMachineReachesThePublishedPortsAndRedisIsNotPublished() {
        services.fields().forEachRemaining(service -> service.getValue().path("ports")
                .forEach(port -> assertThat(port.asText()).as(service.getKey()).startsWith("127.0.0.1:")));
        assertThat(service("redis").has("ports")).isFalse();
        assertThat(service("redis").get("command").toString()).contains("--requirepass", "${REDIS_PASSWORD:?");
        assertThat(mounts("redis")).containsEntry(DEPLOY.resolve("redis.conf"), "/usr/local/etc/redis/cache-domain.conf");
        assertThat(service("redis").get("command").get(1).asText()).isEqualTo("/usr/local/etc/redis/cache-domain.conf");
    }

    @Test
    void tracesGoToTheCollectorOnThePortItReceivesOn() throws IOException {
        JsonNode collector = YAML.readTree(DEPLOY.resolve("otel/collector.yaml").toFile());
        Map<Path, String> mounted = mounts("otel-collector");

        assertThat(environment("cache-domain").get("QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT")).isEqualTo("http://otel-collector:4317");
        assertThat(collector.at("/receivers/otlp/protocols/grpc/endpoint").asText()).endsWith(":4317");
        assertThat(collector.at("/service/pipelines/traces/receivers").toString()).contains("otlp");
        // And on to Jaeger, a service of this file, on the port where it takes OTLP.
        assertThat(collector.at("/service/pipelines/traces/exporters").toString()).contains("otlp/jaeger");
        assertThat(collector.at("/exporters/otlp~1jaeger/endpoint").asText()).isEqualTo("jaeger:4317");
        assertThat(environment("jaeger").get("COLLECTOR_OTLP_ENABLED")).isEqualTo("true");
        assertThat(service("otel-collector").get("command").toString())
                .contains("--config=" + mounted.get(DEPLOY.resolve("otel/collector.yaml")));
    }

    @Test
    void prometheusScrapesTheServiceAndLoadsTheAlerts() throws Exception {
        JsonNode config = YAML.readTree(DEPLOY.resolve("prometheus/prometheus.yml").toFile());
        Map<Path, String> mounted = mounts("prometheus");
        JsonNode scrape = config.at("/scrape_configs/0");

        assertThat(Promtool.run(new File("deploy/prometheus"), "check", "config", "prometheus.yml"))
                .contains("SUCCESS: 1 rule files found");
        assertThat(scrape.get("metrics_path").asText()).isEqualTo("/q/metrics");
        assertThat(scrape.at("/static_configs/0/targets/0").asText()).isEqualTo("cache-domain:8080");
        // The rule file sits beside the configuration in the container as here, so its relative name resolves.
        String configuration = mounted.get(DEPLOY.resolve("prometheus/prometheus.yml"));
        String rules = mounted.get(DEPLOY.resolve("prometheus/alerts.yaml"));
        assertThat(Path.of(rules)).isEqualTo(Path.of(configuration).resolveSibling(config.at("/rule_files/0").asText()));
        assertThat(service("prometheus").get("command").toString()).contains("--config.file=" + configuration);
    }

    @Test
    void grafanaLoadsTheDashboardFromPrometheus() throws IOException {
        Map<Path, String> mounted = mounts("grafana");
        JsonNode provider = YAML.readTree(DEPLOY.resolve("grafana/provisioning/dashboards/cache-domain.yaml").toFile());
        JsonNode sources = YAML.readTree(DEPLOY.resolve("grafana/provisioning/datasources/prometheus.yaml").toFile());

        assertThat(mounted).containsEntry(DEPLOY.resolve("grafana/provisioning"), "/etc/grafana/provisioning");
        String dashboard = mounted.get(DEPLOY.resolve("grafana/cache-domain.json"));
        assertThat(Path.of(dashboard).getParent()).isEqualTo(Path.of(provider.at("/providers/0/options/path").asText()));
        assertThat(sources.get("datasources")).anySatisfy(source -> {
            assertThat(source.get("type").asText()).isEqualTo("prometheus");
            assertThat(source.get("url").asText()).isEqualTo("http://prometheus:9090");
        });
        assertThat(Files.readString(DEPLOY.resolve("grafana/cache-domain.json"))).contains("\"query\": \"prometheus\"");
    }
}
