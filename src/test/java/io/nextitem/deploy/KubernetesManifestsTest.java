package io.nextitem.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.nextitem.config.JobConfig;
import io.nextitem.config.JobConfigLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * deploy/k8s as the API server would take it: the FlinkDeployment against the operator's CRD
 * schema (release-1.15.0, src/test/resources/k8s-crds) with unknown fields refused, as
 * `kubectl apply --validate=strict` refuses them; every other manifest well-formed; and the
 * pieces consistent with each other and with the job (its entry class, its config, the image
 * docker-compose builds, the GPU request, savepoint upgrades).
 */
class KubernetesManifestsTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Path K8S = Path.of("deploy/k8s");
    private static final Path CRD = Path.of("src/test/resources/k8s-crds/flinkdeployments.flink.apache.org-v1.yml");

    @Test
    void everyManifestIsAKubernetesObject() throws Exception {
        List<JsonNode> docs = allDocuments();
        assertThat(docs).extracting(d -> d.path("kind").asText())
                .contains("FlinkDeployment", "KafkaTopic", "Deployment", "ServiceMonitor", "Service", "ConfigMap",
                        "PersistentVolumeClaim");
        for (JsonNode doc : docs) {
            assertThat(doc.path("apiVersion").asText()).as(doc.toString()).isNotBlank();
            assertThat(doc.path("metadata").path("name").asText()).as(doc.toString()).matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");
        }
    }

    @Test
    void theFlinkDeploymentValidatesAgainstTheOperatorsSchema() throws Exception {
        JsonNode deployment = only("FlinkDeployment");
        Set<ValidationMessage> errors = crdSchema().validate(deployment);
        assertThat(errors).as("FlinkDeployment against the CRD").isEmpty();

        ObjectNode typo = deployment.deepCopy();
        ((ObjectNode) typo.path("spec").path("job")).put("upgradeMod", "savepoint");
        assertThat(crdSchema().validate(typo)).as("an unknown field is refused").isNotEmpty();
        ObjectNode wrongEnum = deployment.deepCopy();
        ((ObjectNode) wrongEnum.path("spec")).put("flinkVersion", "v9_9");
        assertThat(crdSchema().validate(wrongEnum)).as("a Flink version the operator does not know").isNotEmpty();
    }

    @Test
    void theDeploymentRunsThisJobWithItsConfigOnGpusAndUpgradesThroughSavepoints() throws Exception {
        JsonNode spec = only("FlinkDeployment").path("spec");
        JsonNode job = spec.path("job");
        assertThat(Class.forName(job.path("entryClass").asText())).isNotNull();
        assertThat(job.path("upgradeMode").asText()).isEqualTo("savepoint");
        assertThat(job.path("jarURI").asText()).isEqualTo("local:///opt/flink/usrlib/nextitem-job.jar");
        assertThat(spec.path("flinkVersion").asText()).isEqualTo("v2_2");
        assertThat(spec.path("image").asText()).isEqualTo(YAML.readTree(Path.of("docker-compose.yml").toFile())
                .path("x-nextitem-image").path("image").asText());
        assertThat(spec.path("taskManager").path("podTemplate").path("spec").path("containers").path(0)
                .path("resources").path("limits").path("nvidia.com/gpu").asInt()).isEqualTo(1);
        assertThat(spec.path("flinkConfiguration").path("execution.checkpointing.savepoint-dir").asText()).startsWith("s3://");

        // The config the job is started with is the ConfigMap's, mounted where args say.
        String configPath = job.path("args").path(2).asText();
        JsonNode podSpec = spec.path("podTemplate").path("spec");
        String mount = podSpec.path("containers").path(0).path("volumeMounts").findValues("mountPath").stream()
                .map(JsonNode::asText).filter(configPath::startsWith).findFirst().orElseThrow();
        assertThat(configPath).isEqualTo(mount + "/nextitem.yaml");
        JobConfig config = JobConfigLoader.parse(only("ConfigMap").path("data").path("nextitem.yaml").asText(),
                "deploy/k8s/job-config.yaml");
        assertThat(config.kafka.clientProperties().values()).as("secrets as references only")
                .allSatisfy(v -> assertThat(v).doesNotContainIgnoringCase("password=\"p"));
        assertThat(config.kafka.security.passwordEnv).isEqualTo("KAFKA_PASSWORD");
        assertThat(podSpec.path("containers").path(0).path("env").findValues("name")).extracting(JsonNode::asText)
                .contains("KAFKA_PASSWORD", config.kafka.security.truststorePasswordEnv);
        assertThat(config.parallelism).isEqualTo(job.path("parallelism").asInt());
        int clicksPartitions = documents("kafka-topics.yaml").stream()
                .filter(t -> t.path("metadata").path("name").asText().equals(config.kafka.clicksTopic))
                .findFirst().orElseThrow().path("spec").path("partitions").asInt();
        assertThat(job.path("parallelism").asInt()).as("no source reader without a partition").isLessThanOrEqualTo(clicksPartitions);
    }

    @Test
    void theServiceMonitorScrapesTheReporterPortOfTheJobsPods() throws Exception {
        JsonNode service = only("Service");
        JsonNode monitor = only("ServiceMonitor");
        String port = only("FlinkDeployment").path("spec").path("flinkConfiguration").path("metrics.reporter.prom.port").asText();
        assertThat(service.path("spec").path("ports").path(0).path("port").asText()).isEqualTo(port);
        assertThat(service.path("spec").path("selector").path("app").asText()).isEqualTo("nextitem");
        monitor.path("spec").path("selector").path("matchLabels").fields().forEachRemaining(label ->
                assertThat(service.path("metadata").path("labels").path(label.getKey()).asText()).isEqualTo(label.getValue().asText()));
        assertThat(monitor.path("spec").path("endpoints").path(0).path("port").asText())
                .isEqualTo(service.path("spec").path("ports").path(0).path("name").asText());
    }

    /** The CRD's v1beta1 schema with k8s pruning made strict: an object with properties takes no others. */
    private static JsonSchema crdSchema() throws IOException {
        JsonNode crd = YAML.readTree(CRD.toFile());
        JsonNode schema = null;
        for (JsonNode version : crd.path("spec").path("versions")) {
            if (version.path("name").asText().equals("v1beta1")) {
                schema = version.path("schema").path("openAPIV3Schema").deepCopy();
            }
        }
        assertThat(schema).as("v1beta1 in the CRD").isNotNull();
        strict(schema);
        ((ObjectNode) schema.path("properties")).putObject("apiVersion").put("type", "string");
        ((ObjectNode) schema.path("properties")).putObject("kind").put("type", "string");
        ((ObjectNode) schema.path("properties")).putObject("metadata").put("type", "object");
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(schema);
    }

    private static void strict(JsonNode node) {
        if (node instanceof ObjectNode object) {
            if (object.has("properties") && !object.has("additionalProperties")
                    && !object.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
                object.put("additionalProperties", false);
            }
            for (Iterator<JsonNode> children = object.elements(); children.hasNext(); ) {
                strict(children.next());
            }
        } else if (node.isArray()) {
            node.forEach(KubernetesManifestsTest::strict);
        }
    }

    private static JsonNode only(String kind) throws IOException {
        List<JsonNode> matches = allDocuments().stream().filter(d -> d.path("kind").asText().equals(kind)).toList();
        assertThat(matches).as("one " + kind).hasSize(1);
        return matches.get(0);
    }

    private static List<JsonNode> allDocuments() throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (Stream<Path> files = Files.list(K8S)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                docs.addAll(documents(file.getFileName().toString()));
            }
        }
        return docs;
    }

    private static List<JsonNode> documents(String name) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (var parser = YAML.getFactory().createParser(K8S.resolve(name).toFile())) {
            YAML.readValues(parser, JsonNode.class).forEachRemaining(d -> {
                if (d != null && !d.isNull() && !d.isEmpty()) {
                    docs.add(d);
                }
            });
        }
        return docs;
    }
}
