package io.nextitem.tools.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.nextitem.avro.ClickEvent;
import io.nextitem.config.JobConfig;
import io.nextitem.config.JobConfigLoader;
import io.nextitem.tools.kafka.LocalKafkaBroker;
import io.nextitem.testing.BrokerITCase;
import io.nextitem.testing.DemoModel;
import io.nextitem.testing.JobUnderTest;
import io.nextitem.testing.KafkaTestTopics;
import io.nextitem.testing.MetricsTraffic;
import io.nextitem.testing.TestClusters;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Monitoring with real parts: Debian's Prometheus (2.42) scrapes the standalone cluster's
 * JobManager and TaskManagers with deploy/prometheus/prometheus.yml (its targets pointed at this
 * host's reporter port range), the job runs a short while on real traffic (valid clicks,
 * malformed records, micro-batches, live quality, a snapshot closing), and then every query of
 * the shipped Grafana dashboard is run through Prometheus's HTTP API: a query Prometheus rejects,
 * or one that answers with nothing, fails the test. Then `trainer dashboard-plots` draws every
 * panel from the same server (query_range), as deploy/bin/dashboard-snapshot does for docs/operations.md.
 */
class GrafanaQueriesOnPrometheusITCase extends BrokerITCase {
    private static final Path DASHBOARD = Path.of("deploy/grafana/dashboards/nextitem.json");
    private static final Path SCRAPE_CONFIG = Path.of("deploy/prometheus/prometheus.yml");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void everyDashboardQueryAnswersFromPrometheus() throws Exception {
        StandaloneCluster.Options options = TestClusters.options(tmp.resolve("cluster"));
        int prometheusPort = LocalKafkaBroker.freePort();
        try (StandaloneCluster cluster = StandaloneCluster.startSession(options);
             PrometheusServer prometheus = PrometheusServer.start(scrapeConfig(cluster), tmp.resolve("tsdb"), prometheusPort)) {
            Path registry = tmp.resolve("registry");
            DemoModel.copyTo(registry);
            JobConfig config = JobUnderTest.configFor(broker, registry, cluster.home().checkpoints());
            config.parallelism = 2;
            MetricsTraffic.configureEveryMetric(config, broker.bootstrapServers(), tmp.resolve("snapshots"));
            Path configFile = tmp.resolve("nextitem.yaml");
            JobConfigLoader.write(config, configFile);
            String jarId = cluster.rest().uploadJar(Path.of("target", "nextitem-job.jar"));
            String job = cluster.rest().runJar(jarId, "io.nextitem.cli.NextItemCli",
                    List.of("run", "--config", configFile.toString()), null, null);

            List<ClickEvent> clicks = MetricsTraffic.send(broker.bootstrapServers(), config.kafka.clicksTopic, 40, 400);
            KafkaTestTopics.readCommitted(broker.bootstrapServers(), config.kafka.recommendationsTopic, clicks.size(),
                    Duration.ofSeconds(120), Duration.ZERO);

            // rate() over [1m] and increase() need two scrapes of each series (the file scrapes every 10 s).
            Map<String, String> answers = new LinkedHashMap<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            do {
                Thread.sleep(5_000);   // scrapes happen on Prometheus's schedule
                answers.clear();
                for (JsonNode expr : JSON.readTree(DASHBOARD.toFile()).findValues("expr")) {
                    JsonNode reply = prometheus.query(expr.asText());
                    if (!"success".equals(reply.path("status").asText()) || reply.path("data").path("result").isEmpty()) {
                        answers.put(expr.asText(), reply.toString());
                    }
                }
            } while (!answers.isEmpty() && System.nanoTime() < deadline);
            assertThat(cluster.rest().jobState(job)).isEqualTo("RUNNING");
            assertThat(answers).as("dashboard queries that Prometheus rejected or answered with nothing").isEmpty();
            assertThat(prometheus.query("up{job=\"flink\"} == 1").path("data").path("result").size())
                    .as("the JobManager and both TaskManagers scraped").isEqualTo(3);

            // The picture of the dashboard in docs/operations.md is drawn the same way: each panel's query over a range.
            Path picture = tmp.resolve("dashboard.png");
            Process plots = new ProcessBuilder("src/trainer/bin/trainer", "dashboard-plots", "--prometheus",
                    "http://127.0.0.1:" + prometheusPort, "--minutes", "5", "--out", picture.toString())
                    .redirectErrorStream(true).start();
            String said = new String(plots.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(plots.waitFor(3, TimeUnit.MINUTES)).isTrue();
            assertThat(plots.exitValue()).as("trainer dashboard-plots said:\n" + said).isZero();
            assertThat(picture).isNotEmptyFile();
        }
    }

    /** deploy/prometheus/prometheus.yml with its targets pointed at this host's reporter port range. */
    private static Path scrapeConfig(StandaloneCluster cluster) throws Exception {
        ObjectNode config = (ObjectNode) YAML.readTree(SCRAPE_CONFIG.toFile());
        String range = cluster.config().getString("metrics.reporter.prom.port", "9250-9259");
        int from = Integer.parseInt(range.split("-")[0]);
        int to = Integer.parseInt(range.split("-")[1]);
        ArrayNode targets = JSON.createArrayNode();
        for (int port = from; port <= to; port++) {
            targets.add("localhost:" + port);
        }
        ((ObjectNode) config.path("scrape_configs").path(0).path("static_configs").path(0)).set("targets", targets);
        Path file = cluster.home().root().resolve("prometheus.yml");
        YAML.writeValue(file.toFile(), config);
        return file;
    }

    /** Debian's prometheus binary on loopback, its data in a temporary folder. */
    private static final class PrometheusServer implements AutoCloseable {
        private final Process process;
        private final int port;
        private final HttpClient http = HttpClient.newHttpClient();

        private PrometheusServer(Process process, int port) {
            this.process = process;
            this.port = port;
        }

        static PrometheusServer start(Path config, Path data, int port) throws Exception {
            Process process = new ProcessBuilder("prometheus", "--config.file=" + config, "--storage.tsdb.path=" + data,
                    "--web.listen-address=127.0.0.1:" + port).redirectErrorStream(true)
                    .redirectOutput(data.resolveSibling("prometheus.log").toFile()).start();
            PrometheusServer server = new PrometheusServer(process, port);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (true) {
                try {
                    server.query("up");
                    return server;
                } catch (java.io.IOException notYet) {
                    assertThat(process.isAlive()).as("prometheus running (deploy/bin/test installs it)").isTrue();
                    assertThat(System.nanoTime()).as("prometheus answers within 30 s").isLessThan(deadline);
                    Thread.sleep(200);
                }
            }
        }

        JsonNode query(String promql) throws Exception {
            URI uri = URI.create("http://127.0.0.1:" + port + "/api/v1/query?query="
                    + URLEncoder.encode(promql, StandardCharsets.UTF_8));
            HttpResponse<String> reply = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(reply.body());
        }

        @Override
        public void close() throws Exception {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
