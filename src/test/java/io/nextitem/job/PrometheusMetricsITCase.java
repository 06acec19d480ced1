package io.nextitem.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nextitem.avro.ClickEvent;
import io.nextitem.config.JobConfig;
import io.nextitem.tools.kafka.LocalKafkaBroker;
import io.nextitem.testing.BrokerITCase;
import io.nextitem.testing.DemoModel;
import io.nextitem.testing.JobUnderTest;
import io.nextitem.testing.KafkaTestTopics;
import io.nextitem.testing.MetricsTraffic;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/**
 * The job on a local cluster with its Prometheus endpoint, as the demo runs it: after real
 * traffic (valid clicks, malformed records, a snapshot interval closing), a scrape of
 * /metrics holds every metric operators watch, and every metric the shipped Grafana dashboard
 * queries is among them.
 */
class PrometheusMetricsITCase extends BrokerITCase {
    static final Path DASHBOARD = Path.of("deploy/grafana/dashboards/nextitem.json");
    /** What the dashboard and runbook rely on, by Prometheus name (operator scope). */
    static final List<String> OPERATOR_METRICS = List.of(
            "clicksAccepted", "reason_deadLetters", "deadLetters", "duplicateClicks", "sequenceLength",
            "recommendationsFromModel", "recommendationsFromPopularity", "batchSize", "queueDelayMicros",
            "inferenceMicros", "inferenceOverBudget", "nonFiniteScores", "executionProviderIsGpu",
            "modelVersionCreatedAtSeconds", "modelSwaps", "modelVersionsRefused", "unknownItems",
            "modelVersion_liveHitRate10", "modelVersion_liveNdcg10", "modelVersion_liveJudged", "snapshotsCompleted",
            "itemsLeftOut", "listsShortFilled", "itemRulesCaughtUp", "arm_lists", "canaryShare", "canaryDifferenceLower");
    private static final Pattern METRIC_NAME = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{|\\s)", Pattern.MULTILINE);
    @Test
    void theEndpointHoldsEveryMetricOperatorsWatchAndEveryMetricTheDashboardQueries() throws Exception {
        JobConfig config = JobUnderTest.configFor(broker, DemoModel.REGISTRY, tmp.resolve("checkpoints"));
        MetricsTraffic.configureEveryMetric(config, broker.bootstrapServers(), tmp.resolve("snapshots"));
        int prometheusPort = LocalKafkaBroker.freePort();
        StreamExecutionEnvironment env = JobEnvironment.createLocalWithDashboard(config, LocalKafkaBroker.freePort(),
                prometheusPort);
        NextItemJob.build(env, config);
        JobClient job = env.executeAsync("prometheus-metrics");

        List<ClickEvent> clicks = MetricsTraffic.send(broker.bootstrapServers(), config.kafka.clicksTopic, 20, 200);
        KafkaTestTopics.readCommitted(broker.bootstrapServers(), config.kafka.recommendationsTopic, clicks.size(),
                Duration.ofSeconds(120), Duration.ZERO);

        String scrape = awaitScrape(prometheusPort, "snapshotsCompleted", Duration.ofSeconds(60));
        job.cancel().get();
        Files.writeString(Path.of("target/prometheus-scrape.txt"), scrape);

        Set<String> names = metricNames(scrape);
        for (String metric : OPERATOR_METRICS) {
            assertThat(names).as("flink_taskmanager_job_task_operator_" + metric + " in the scrape")
                    .anyMatch(n -> n.equals("flink_taskmanager_job_task_operator_" + metric)
                            || n.startsWith("flink_taskmanager_job_task_operator_" + metric + "_"));
        }
        assertThat(scrape).contains("reason=\"TRUNCATED\"").contains("modelVersion=\"");

        Set<String> queried = dashboardMetricNames();
        assertThat(queried).as("the dashboard queries something").hasSizeGreaterThan(10);
        assertThat(names).as("every metric the Grafana dashboard queries exists").containsAll(queried);
    }

    /** Scrapes until a metric with {@code mustHold} in its name is there (reporters publish what is registered). */
    private static String awaitScrape(int port, String mustHold, Duration timeout) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        String body = "";
        while (System.nanoTime() < deadline) {
            try {
                body = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)).body();
                if (body.contains(mustHold) && body.lines().anyMatch(l -> l.contains(mustHold) && !l.startsWith("#")
                        && !l.trim().endsWith(" 0.0"))) {
                    return body;
                }
            } catch (java.io.IOException e) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        return body;
    }

    static Set<String> metricNames(String scrape) {
        Set<String> names = new TreeSet<>();
        for (String line : scrape.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher m = METRIC_NAME.matcher(line);
            if (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    /** Every flink_* metric name in the dashboard's PromQL expressions (quantile and label suffixes kept as written). */
    static Set<String> dashboardMetricNames() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        Set<String> names = new TreeSet<>();
        Pattern name = Pattern.compile("flink_[a-zA-Z0-9_]+");
        for (JsonNode expr : dashboard.findValues("expr")) {
            Matcher m = name.matcher(expr.asText());
            while (m.find()) {
                names.add(m.group());
            }
        }
        return names;
    }
}
