package io.nextitem.tools.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.nextitem.avro.ClickEvent;
import io.nextitem.avro.Recommendation;
import io.nextitem.config.JobConfig;
import io.nextitem.config.JobConfigLoader;
import io.nextitem.tools.kafka.KafkaTopics;
import io.nextitem.tools.replay.ClickReplayer;
import io.nextitem.testing.BrokerITCase;
import io.nextitem.testing.Clicks;
import io.nextitem.testing.DemoModel;
import io.nextitem.testing.JobUnderTest;
import io.nextitem.testing.KafkaTestTopics;
import io.nextitem.testing.TestClusters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The production job jar on a standalone Flink cluster of separate JVMs, the three ways operators
 * deploy it: uploaded and run through the REST API (the dashboard's "Submit New Job"), through
 * Flink's own CLI ({@code flink run}), and in application mode (the entry point the compose file
 * and the FlinkDeployment use). Each time: the JobManager survives main, every click gets one
 * list (read_committed), and for the REST run the tasks spread over both TaskManagers, nothing
 * the job jar carries shadows a class of lib/, ONNX Runtime's native library is the machine's one
 * copy, and no process logs a deprecated configuration key.
 */
class StandaloneClusterITCase extends BrokerITCase {
    private static final String ENTRY_CLASS = "io.nextitem.cli.NextItemCli";
    private static final Path JOB_JAR = Path.of("target", "nextitem-job.jar");
    private static final int USERS = 60;
    private static final int CLICKS_PER_USER = 5;

    @Test
    void restSubmissionRunsTheJobOnBothTaskManagersWithLibsFromLib() throws Exception {
        StandaloneCluster.Options options = options("rest");
        options.extraJvmOptions = List.of("-Xlog:class+load=info:file=" + options.home.toAbsolutePath()
                + "/log/classload-%p.log");
        try (StandaloneCluster cluster = StandaloneCluster.startSession(options)) {
            Path configFile = jobConfig(cluster, "rest");
            JobConfig config = JobConfigLoader.load(configFile);

            String jarId = cluster.rest().uploadJar(JOB_JAR);
            String jobId = cluster.rest().runJar(jarId, ENTRY_CLASS, List.of("run", "--config", configFile.toString()),
                    null, null);
            awaitRunning(cluster, jobId);
            long failedWhenRunning = cluster.rest().checkpoints(jobId).path("counts").path("failed").asLong();
            assertThat(cluster.process(StandaloneCluster.JOB_MANAGER)).as("main returned, the JobManager lives").isPresent();

            List<Recommendation> lists = assertEveryClickGetsOneList(config);
            assertThat(cluster.rest().jobState(jobId)).isEqualTo("RUNNING");
            // Triggers while tasks still initialise (model loading) are counted as failed by Flink;
            // once every task runs, none may fail.
            assertThat(cluster.rest().checkpoints(jobId).path("counts").path("failed").asLong())
                    .as("checkpoints failed after the job was running").isEqualTo(failedWhenRunning);

            // A client nobody here wrote reads what the cluster wrote, read_committed; the bytes decode with the schema.
            List<Recommendation> readByKcat = Kcat.readCommitted(broker.bootstrapServers(), config.kafka.recommendationsTopic)
                    .stream().map(bytes -> JobUnderTest.decodeValue(bytes, Recommendation::fromByteBuffer)).toList();
            assertThat(readByKcat).hasSameSizeAs(lists);
            assertThat(readByKcat.stream().map(Recommendation::getTriggerEventId).collect(Collectors.toSet()))
                    .isEqualTo(lists.stream().map(Recommendation::getTriggerEventId).collect(Collectors.toSet()));
            assertThat(cluster.rest().taskManagersOf(jobId)).as("subtasks on both TaskManagers")
                    .containsExactlyInAnyOrder("taskmanager-1", "taskmanager-2");

            for (String tm : List.of("taskmanager-1", "taskmanager-2")) {
                long pid = cluster.process(tm).orElseThrow().pid();
                assertThat(JobJarShadowing.classesShadowingLib(cluster.home(), options.home.resolve("log/classload-" + pid + ".log")))
                        .as(tm + ": classes loaded from the job jar that lib/ has").isEmpty();
                List<String> onnxRuntimeMappings = Files.readAllLines(Path.of("/proc", Long.toString(pid), "maps")).stream()
                        .filter(l -> l.endsWith("/libonnxruntime.so")).map(l -> l.substring(l.indexOf('/'))).distinct().toList();
                assertThat(onnxRuntimeMappings).as(tm + ": ONNX Runtime from the machine's shared folder")
                        .hasSize(1).allSatisfy(p -> assertThat(p).contains("/nextitem-native/onnxruntime-"));
            }
            cluster.rest().cancel(jobId);
            assertThat(deprecatedKeyWarnings(cluster)).as("Flink's deprecation warnings in the cluster's logs").isEmpty();
        }
    }

    @Test
    void flinkRunFromTheCliSubmitsAndReturns() throws Exception {
        try (StandaloneCluster cluster = StandaloneCluster.startSession(options("cli"))) {
            Path configFile = jobConfig(cluster, "cli");
            StandaloneCluster.CliResult run = cluster.runCli(List.of("run", "--detached", JOB_JAR.toAbsolutePath().toString(),
                    "run", "--config", configFile.toString()), Duration.ofMinutes(3));
            assertThat(run.exitCode()).as(run.output()).isZero();
            String jobId = run.output().lines().filter(l -> l.contains("JobID")).findFirst().orElseThrow()
                    .replaceAll(".*JobID ", "").trim();
            awaitRunning(cluster, jobId);
            assertEveryClickGetsOneList(JobConfigLoader.load(configFile));
            cluster.rest().cancel(jobId);
        }
    }

    @Test
    void applicationModeRunsTheEntryPointTheDeploymentsUse() throws Exception {
        StandaloneCluster.Options options = options("app");
        options.jobJar = JOB_JAR.toAbsolutePath();
        try (StandaloneCluster cluster = StandaloneCluster.prepare(options)) {
            Path configFile = jobConfig(cluster, "app");
            // As docker-compose.yml's `standalone-job --job-classname ... run --config ...`.
            cluster.startJobManager(FlinkJvmCommand.APPLICATION_ENTRY_POINT,
                    List.of("--job-classname", ENTRY_CLASS, "run", "--config", configFile.toString()));
            cluster.startTaskManagers();
            String jobId = awaitOneJob(cluster);
            awaitRunning(cluster, jobId);
            assertEveryClickGetsOneList(JobConfigLoader.load(configFile));
            assertThat(cluster.process(StandaloneCluster.JOB_MANAGER)).as("the application's JobManager lives").isPresent();
        }
    }

    private StandaloneCluster.Options options(String name) throws Exception {
        return TestClusters.options(tmp.resolve("cluster-" + name));
    }

    /** The run's config as a file the JobManager reads: fresh topics, the demo model, the cluster's checkpoints. */
    private Path jobConfig(StandaloneCluster cluster, String name) throws Exception {
        Path registry = tmp.resolve("registry-" + name);
        DemoModel.copyTo(registry);
        JobConfig config = JobUnderTest.configFor(broker, registry, cluster.home().checkpoints());
        config.parallelism = 2;
        KafkaTopics.create(broker.bootstrapServers(), 2, List.of(config.kafka.clicksTopic));
        KafkaTopics.create(broker.bootstrapServers(), 1, List.of(config.kafka.recommendationsTopic, config.kafka.deadLetterTopic));
        Path file = tmp.resolve("nextitem-" + name + ".yaml");
        JobConfigLoader.write(config, file);
        return file;
    }

    private List<Recommendation> assertEveryClickGetsOneList(JobConfig config) throws Exception {
        List<String> items = DemoModel.itemIds();
        Random random = new Random(11);
        List<ClickEvent> clicks = new ArrayList<>();
        for (int step = 0; step < CLICKS_PER_USER; step++) {
            for (int user = 0; user < USERS; user++) {
                clicks.add(Clicks.click("user-" + user, items.get(random.nextInt(items.size())),
                        Clicks.T0 + step * 60_000L + user));
            }
        }
        try (ClickReplayer producer = new ClickReplayer(broker.bootstrapServers(), config.kafka.clicksTopic)) {
            for (ClickEvent click : clicks) {
                producer.send(click);
            }
            producer.flush();
        }
        List<Recommendation> lists = KafkaTestTopics.readCommitted(broker.bootstrapServers(),
                        config.kafka.recommendationsTopic, clicks.size(), Duration.ofSeconds(180), Duration.ofSeconds(3))
                .stream().map(r -> JobUnderTest.decode(r, Recommendation::fromByteBuffer)).toList();
        assertThat(lists).hasSize(clicks.size());
        Set<String> triggers = lists.stream().map(Recommendation::getTriggerEventId).collect(Collectors.toSet());
        assertThat(triggers).isEqualTo(clicks.stream().map(ClickEvent::getEventId).collect(Collectors.toSet()));
        return lists;
    }

    private static void awaitRunning(StandaloneCluster cluster, String jobId) throws Exception {
        cluster.rest().awaitAllRunning(jobId, Duration.ofMinutes(2));
    }

    private static String awaitOneJob(StandaloneCluster cluster) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            var jobs = cluster.rest().jobs().path("jobs");
            if (jobs.size() == 1) {
                return jobs.get(0).path("jid").asText();
            }
            Thread.sleep(250);
        }
        throw new AssertionError("the application cluster shows no job within 2 minutes");
    }

    /** Flink's Configuration logs "Config uses deprecated configuration key ..." on every read of one. */
    private static List<String> deprecatedKeyWarnings(StandaloneCluster cluster) throws Exception {
        List<String> warnings = new ArrayList<>();
        try (var logs = Files.list(cluster.home().log())) {
            for (Path log : logs.filter(p -> p.getFileName().toString().matches("(jobmanager|taskmanager-\\d)\\.log")).toList()) {
                Files.readAllLines(log).stream().filter(l -> l.contains("deprecated configuration key")
                        || l.contains("deprecated key")).forEach(l -> warnings.add(log.getFileName() + ": " + l));
            }
        }
        return warnings;
    }
}
