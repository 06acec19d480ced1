package io.nextitem.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.nextitem.config.JobConfig;
import io.nextitem.config.JobConfigLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The deployment files as Docker and Grafana will read them: docker-compose.yml passes
 * `docker-compose config -q` (Debian's docker-compose, deploy/debian-packages.txt) and keeps the
 * promises its header makes (localhost-only ports, health checks, named volumes, a GPU for the
 * TaskManager, image versions as in pom.xml); the job config inside it is valid; the
 * Dockerfiles pass a structural lint (hadolint is not packaged for Debian: the rules it would
 * enforce that matter here are checked below).
 */
class DeployFilesTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Path COMPOSE = Path.of("docker-compose.yml");

    @ParameterizedTest(name = "profile {0}")
    @ValueSource(strings = {"default", "cpu"})
    void dockerComposeValidatesTheFile(String profile) throws Exception {
        List<String> command = new ArrayList<>(List.of("docker-compose", "-f", COMPOSE.toString()));
        if (!profile.equals("default")) {
            command.addAll(List.of("--profile", profile));
        }
        command.addAll(List.of("config", "-q"));
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("docker-compose is not installed: deploy/bin/test installs it "
                    + "(deploy/debian-packages.txt)", e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }

    @Test
    void everyPortIsOnLocalhostAndEveryLongRunningServiceHasAHealthCheck() throws Exception {
        JsonNode services = YAML.readTree(COMPOSE.toFile()).path("services");
        assertThat(services.fieldNames()).toIterable().contains("kafka", "topics", "jobmanager", "taskmanager",
                "taskmanager-cpu", "trainer", "replay", "prometheus", "grafana");
        services.fields().forEachRemaining(service -> {
            for (JsonNode port : service.getValue().path("ports")) {
                assertThat(port.asText()).as(service.getKey() + " publishes only on loopback").startsWith("127.0.0.1:");
            }
        });
        for (String name : List.of("kafka", "jobmanager", "taskmanager", "prometheus", "grafana")) {
            assertThat(services.path(name).has("healthcheck")).as(name + " has a health check").isTrue();
        }
        JsonNode gpu = services.path("taskmanager").path("deploy").path("resources").path("reservations")
                .path("devices").path(0);
        assertThat(gpu.path("capabilities").toString()).contains("gpu");
        assertThat(services.path("taskmanager-cpu").path("profiles").toString()).contains("cpu");
        assertThat(services.path("taskmanager-cpu").has("deploy")).isFalse();
    }

    @Test
    void stateLivesInNamedVolumesWhereTheJobConfigWritesIt() throws Exception {
        JsonNode compose = YAML.readTree(COMPOSE.toFile());
        assertThat(compose.path("volumes").fieldNames()).toIterable()
                .contains("checkpoints", "savepoints", "registry", "snapshots", "kafka-data");
        JobConfig job = JobConfigLoader.load(Path.of("deploy/compose/nextitem.yaml"));
        List<String> mounts = new ArrayList<>();
        compose.path("services").path("taskmanager").path("volumes").forEach(v -> mounts.add(v.asText()));
        assertThat(mounts).contains("checkpoints:" + Path.of(java.net.URI.create(job.checkpoint.dir)),
                "registry:" + job.model.registry,
                "snapshots:" + Path.of(java.net.URI.create(job.snapshots.dir)));
        assertThat(job.kafka.bootstrapServers).isEqualTo("kafka:9092");
    }

    @Test
    void imageVersionsAreThePomsVersions() throws Exception {
        String pom = Files.readString(Path.of("pom.xml"));
        String flink = property(pom, "flink.version");
        String kafka = property(pom, "kafka.broker.version");
        JsonNode services = YAML.readTree(COMPOSE.toFile()).path("services");
        assertThat(services.path("kafka").path("image").asText()).isEqualTo("apache/kafka:" + kafka);
        assertThat(services.path("topics").path("image").asText()).isEqualTo("apache/kafka:" + kafka);
        for (String dockerfile : List.of("deploy/docker/job.Dockerfile", "deploy/docker/tools.Dockerfile")) {
            assertThat(Files.readString(Path.of(dockerfile))).as(dockerfile)
                    .contains("ARG FLINK_IMAGE=flink:" + flink + "-java17");
        }
    }

    @Test
    void theFlinkConfigIsFlink2YamlWithTheReporterPrometheusScrapes() throws Exception {
        JsonNode flink = YAML.readTree(Path.of("deploy/flink/config.yaml").toFile());
        JsonNode prom = flink.path("metrics").path("reporter").path("prom");
        assertThat(prom.path("factory").path("class").asText())
                .isEqualTo("org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        int port = prom.path("port").asInt();
        JsonNode scrape = YAML.readTree(Path.of("deploy/prometheus/prometheus.yml").toFile());
        assertThat(scrape.path("scrape_configs").path(0).path("static_configs").path(0).path("targets").toString())
                .contains("jobmanager:" + port).contains("taskmanager:" + port);
        assertThat(flink.path("taskmanager").path("numberOfTaskSlots").asInt()).isPositive();
    }

    @Test
    void grafanaProvisioningPointsAtTheDashboardsDatasource() throws Exception {
        JsonNode datasource = YAML.readTree(Path.of("deploy/grafana/provisioning/datasources/prometheus.yml").toFile())
                .path("datasources").path(0);
        JsonNode dashboard = new ObjectMapper().readTree(Path.of("deploy/grafana/dashboards/nextitem.json").toFile());
        for (JsonNode ds : dashboard.findValues("datasource")) {
            assertThat(ds.path("uid").asText()).isEqualTo(datasource.path("uid").asText());
        }
        assertThat(datasource.path("url").asText()).isEqualTo("http://prometheus:9090");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"deploy/docker/job.Dockerfile", "deploy/docker/tools.Dockerfile",
            "deploy/docker/trainer.Dockerfile"})
    void dockerfilesPassTheStructuralLint(String file) throws Exception {
        List<String> lines = Files.readAllLines(Path.of(file));
        List<String> instructions = joinContinuations(lines);
        List<String> froms = instructions.stream().filter(i -> i.startsWith("FROM ")).toList();
        assertThat(froms).isNotEmpty();
        for (String from : froms) {
            String written = from.split("\\s+")[1];
            String image = written;
            if (written.startsWith("${")) {
                String arg = written.substring(2, written.length() - 1);
                String declared = instructions.stream().filter(i -> i.startsWith("ARG " + arg + "=")).findFirst()
                        .orElseThrow(() -> new AssertionError(file + ": FROM " + written + " has no ARG default"));
                image = declared.substring(("ARG " + arg + "=").length());
            }
            assertThat(image).as(file + ": base images are pinned").contains(":").doesNotEndWith(":latest");
        }
        assertThat(instructions).as(file + ": no ADD (COPY says what it does; no remote fetches at build)")
                .noneMatch(i -> i.startsWith("ADD "));
        String lastUser = instructions.stream().filter(i -> i.startsWith("USER ")).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError(file + ": runs as root (no USER)"));
        assertThat(lastUser).as(file + ": the process does not run as root").doesNotContain("root");
        for (String run : instructions.stream().filter(i -> i.startsWith("RUN ") && i.contains("apt-get install")).toList()) {
            assertThat(run).as(file + ": apt-get in one layer, lean and cleaned")
                    .contains("apt-get update").contains("--no-install-recommends").contains("rm -rf /var/lib/apt/lists");
        }
        for (String copy : instructions.stream().filter(i -> i.startsWith("COPY ") && !i.contains("--from=")).toList()) {
            String[] parts = copy.split("\\s+");
            String source = parts[1];
            assertThat(source.startsWith("target/") || Files.exists(Path.of(source)))
                    .as(file + ": COPY source " + source + " exists (or is a build output)").isTrue();
        }
    }

    private static List<String> joinContinuations(List<String> lines) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : lines) {
            String trimmed = line.trim();
            if (trimmed.startsWith("#") || trimmed.isEmpty()) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                current.append(trimmed, 0, trimmed.length() - 1).append(' ');
            } else {
                out.add(current.append(trimmed).toString());
                current.setLength(0);
            }
        }
        return out;
    }

    private static String property(String pom, String name) {
        Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</").matcher(pom);
        assertThat(m.find()).as("pom.xml sets " + name).isTrue();
        return m.group(1).trim();
    }
}
