package deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The deployment files hold what they promise: both Kubernetes overlays as {@code kubectl kustomize}
 * builds them (probes, security, settings the service knows), and the rules of both container images.
 */
class DeployManifestsTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String DATA = "/var/lib/cache-domain";

    private static List<JsonNode> build(String overlay) throws IOException, InterruptedException {
        Process kustomize;
        try {
            kustomize = new ProcessBuilder("kubectl", "kustomize", "deploy/k8s/overlays/" + overlay).start();
        } catch (IOException e) {
            throw new AssertionError("these tests build the manifests with kubectl kustomize: put kubectl on the PATH", e);
        }
        String manifests = new String(kustomize.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String errors = new String(kustomize.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(kustomize.waitFor()).as("kubectl kustomize %s: %s", overlay, errors).isZero();
        List<JsonNode> objects = new ArrayList<>();
        YAML.readerFor(JsonNode.class).readValues(manifests).forEachRemaining(object -> objects.add((JsonNode) object));
        return objects;
    }

    private static JsonNode the(List<JsonNode> objects, String kind) {
        List<JsonNode> found = objects.stream().filter(object -> object.path("kind").asText().equals(kind)).toList();
        assertThat(found).as(kind).hasSize(1);
        return found.get(0);
    }

    private static JsonNode container(List<JsonNode> objects) {
        JsonNode containers = the(objects, "Deployment").at("/spec/template/spec/containers");
        assertThat(containers.size()).isEqualTo(1);
        return containers.get(0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"single-node", "redis"})
    void probesTheHealthEndpointsOnTheServicesPort(String overlay) throws Exception {
        JsonNode container = container(build(overlay));
        Properties application = new Properties();
        application.load(Files.newBufferedReader(Path.of("src/main/resources/application.properties")));

        JsonNode http = container.get("ports").get(0);
        assertThat(http.get("name").asText()).isEqualTo("http");
        assertThat(http.get("containerPort").asText()).isEqualTo(application.getProperty("quarkus.http.port"));
        assertThat(container.at("/startupProbe/httpGet/path").asText()).isEqualTo("/q/health/started");
        assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/q/health/live");
        assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/q/health/ready");
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            assertThat(container.at("/" + probe + "/httpGet/port").asText()).as(probe).isEqualTo("http");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"single-node", "redis"})
    void runsAsNonRootOnAReadOnlyRootWithoutPrivileges(String overlay) throws Exception {
        List<JsonNode> objects = build(overlay);
        JsonNode pod = the(objects, "Deployment").at("/spec/template/spec");
        JsonNode container = container(objects);

        assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
        assertThat(pod.at("/securityContext/seccompProfile/type").asText()).isEqualTo("RuntimeDefault");
        assertThat(pod.get("automountServiceAccountToken").asBoolean()).isFalse();
        assertThat(container.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(container.at("/securityContext/allowPrivilegeEscalation").asBoolean()).isFalse();
        assertThat(container.at("/securityContext/capabilities/drop").toString()).isEqualTo("[\"ALL\"]");
        assertThat(container.at("/resources/limits/memory").asText()).isNotEmpty();
        // The only places it writes: /tmp, and the data volume where there is one.
        List<String> mounts = new ArrayList<>();
        container.get("volumeMounts").forEach(mount -> mounts.add(mount.get("mountPath").asText()));
        assertThat(mounts).contains("/tmp").isSubsetOf("/tmp", DATA);
    }

    @ParameterizedTest
    @ValueSource(strings = {"single-node", "redis"})
    void setsOnlySettingsTheServiceKnows(String overlay) throws Exception {
        List<JsonNode> objects = build(overlay);
        Set<String> set = new TreeSet<>();
        container(objects).path("env").forEach(variable -> set.add(variable.get("name").asText()));
        the(objects, "ConfigMap").get("data").fieldNames().forEachRemaining(set::add);
        Set<String> known = Settings.documented();

        assertThat(set).isNotEmpty().allSatisfy(name -> assertThat(Settings.known(known, name))
                .as("%s is a setting of the service (the README's configuration table)", name).isTrue());
    }

    @ParameterizedTest
    @ValueSource(strings = {"single-node", "redis"})
    void letsInOnlyTheHttpPortAndKeepsAPodDuringDisruptions(String overlay) throws Exception {
        List<JsonNode> objects = build(overlay);
        JsonNode policy = the(objects, "NetworkPolicy");

        assertThat(policy.at("/spec/podSelector/matchLabels/app.kubernetes.io~1name").asText()).isEqualTo("cache-domain");
        assertThat(policy.at("/spec/policyTypes").toString()).contains("Ingress", "Egress");
        assertThat(policy.at("/spec/ingress").size()).isEqualTo(1);
        assertThat(policy.at("/spec/ingress/0/ports").toString()).isEqualTo("[{\"port\":\"http\",\"protocol\":\"TCP\"}]");
        assertThat(policy.at("/spec/egress").toString()).contains("\"port\":53");
        assertThat(the(objects, "PodDisruptionBudget").at("/spec/maxUnavailable").asInt()).isEqualTo(1);
        assertThat(the(objects, "ServiceMonitor").at("/spec/endpoints/0/path").asText()).isEqualTo("/q/metrics");
        assertThat(the(objects, "Service").at("/spec/selector/app.kubernetes.io~1name").asText()).isEqualTo("cache-domain");
    }

    @Test
    void theSingleNodeOverlayRunsOneInstanceWithItsDataOnAVolume() throws Exception {
        List<JsonNode> objects = build("single-node");
        JsonNode deployment = the(objects, "Deployment");
        JsonNode config = the(objects, "ConfigMap").get("data");

        assertThat(deployment.at("/spec/replicas").asInt()).isEqualTo(1);
        // Never two writers of one SQLite file: the old pod stops before the new one starts.
        assertThat(deployment.at("/spec/strategy/type").asText()).isEqualTo("Recreate");
        assertThat(config.get("CACHE_DOMAIN_STORE").asText()).isEqualTo("embedded");
        assertThat(config.get("CACHE_DOMAIN_EMBEDDED_PATH").asText()).isEqualTo(DATA);
        JsonNode volume = deployment.at("/spec/template/spec/volumes").findParent("persistentVolumeClaim");
        assertThat(volume.at("/persistentVolumeClaim/claimName").asText()).isEqualTo(the(objects, "PersistentVolumeClaim")
                .at("/metadata/name").asText());
        assertThat(container(objects).get("volumeMounts").toString()).contains("\"name\":\"" + volume.get("name").asText() + "\"",
                "\"mountPath\":\"" + DATA + "\"");
        assertThat(objects).noneMatch(object -> object.path("kind").asText().equals("HorizontalPodAutoscaler"));
    }

    @Test
    void theRedisOverlayScalesIdenticalInstancesThatReachRedisWithCredentialsFromTheSecret() throws Exception {
        List<JsonNode> objects = build("redis");
        JsonNode deployment = the(objects, "Deployment");
        JsonNode autoscaler = the(objects, "HorizontalPodAutoscaler");

        assertThat(the(objects, "ConfigMap").at("/data/CACHE_DOMAIN_STORE").asText()).isEqualTo("redis");
        assertThat(deployment.at("/spec/replicas").asInt()).isGreaterThan(1);
        assertThat(deployment.at("/spec/strategy/rollingUpdate/maxUnavailable").asInt()).isZero();
        assertThat(autoscaler.at("/spec/scaleTargetRef/name").asText()).isEqualTo(deployment.at("/metadata/name").asText());
        assertThat(autoscaler.at("/spec/minReplicas").asInt()).isGreaterThan(1);
        List<String> fromSecret = new ArrayList<>();
        container(objects).get("env").forEach(variable -> {
            if (variable.has("valueFrom")) {
                fromSecret.add(variable.get("name").asText() + "=" + variable.at("/valueFrom/secretKeyRef/key").asText());
            }
        });
        assertThat(fromSecret).contains("REDIS_URL=redis-url", "CACHE_DOMAIN_AUTH_BOOTSTRAP_KEY=bootstrap-key");
        assertThat(the(objects, "Secret").get("stringData").has("redis-url")).isTrue();
        assertThat(the(objects, "NetworkPolicy").at("/spec/egress").toString()).contains("\"port\":6379", "\"port\":4317");
    }

    /**
     * hadolint's rules that apply to these files (it cannot be installed where these tests run: no Debian package,
     * and its releases are not reachable): DL3007 no {@code latest} tag, DL3020 COPY rather than ADD, DL3025 JSON form
     * for ENTRYPOINT and CMD, DL3004 no sudo, DL4006 no pipe in a RUN without pipefail, DL3002 not root at the end.
     */
    @ParameterizedTest
    @ValueSource(strings = {"Dockerfile.jvm", "Dockerfile.native"})
    void theDockerfilesFollowHadolintsRules(String file) throws IOException {
        List<String> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : Files.readAllLines(Path.of("src/main/docker", file))) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            current.append(line.endsWith("\\") ? line.substring(0, line.length() - 1) : line);
            if (!line.endsWith("\\")) {
                instructions.add(current.toString().trim());
                current.setLength(0);
            }
        }

        assertThat(instructions).filteredOn(i -> i.startsWith("FROM ")).allSatisfy(i -> assertThat(i).doesNotContain(":latest"));
        assertThat(instructions).noneMatch(i -> i.startsWith("ADD "));
        assertThat(instructions).filteredOn(i -> i.startsWith("ENTRYPOINT ") || i.startsWith("CMD "))
                .isNotEmpty().allSatisfy(i -> assertThat(i.substring(i.indexOf(' ') + 1).trim()).startsWith("[").endsWith("]"));
        assertThat(instructions).filteredOn(i -> i.startsWith("RUN ")).allSatisfy(i -> {
            assertThat(i).doesNotContain("sudo ");
            assertThat(i.replace("||", "")).as("a pipe hides a failure without pipefail").doesNotContain("|");
        });
        List<String> users = instructions.stream().filter(i -> i.startsWith("USER ")).toList();
        assertThat(users.get(users.size() - 1)).isNotIn("USER root", "USER 0");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Dockerfile.jvm", "Dockerfile.native"})
    void theImagesRunAsAUserThatIsNotRootWithTheDataOnAVolumeAndCheckLiveness(String file) throws IOException {
        List<String> lines = Files.readAllLines(Path.of("src/main/docker", file)).stream()
                .filter(line -> !line.isBlank() && !line.startsWith("#")).toList();
        List<String> users = lines.stream().filter(line -> line.startsWith("USER ")).map(line -> line.substring(5).trim()).toList();

        assertThat(users).isNotEmpty();
        assertThat(users.get(users.size() - 1)).as("the user it runs as").matches("[1-9][0-9]*");
        assertThat(lines.get(0)).as("a pinned base image").matches("FROM \\S+:\\S+");
        assertThat(lines).contains("EXPOSE 8080", "VOLUME " + DATA, "ENV CACHE_DOMAIN_EMBEDDED_PATH=" + DATA);
        assertThat(String.join("\n", lines)).contains("HEALTHCHECK").contains("/q/health/live");
    }
}
