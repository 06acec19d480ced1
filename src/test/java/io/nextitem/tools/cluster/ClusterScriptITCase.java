package io.nextitem.tools.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.nextitem.config.JobConfig;
import io.nextitem.config.JobConfigLoader;
import io.nextitem.tools.kafka.KafkaTopics;
import io.nextitem.tools.kafka.LocalKafkaBroker;
import io.nextitem.testing.BrokerITCase;
import io.nextitem.testing.ChildProcess;
import io.nextitem.testing.DemoModel;
import io.nextitem.testing.JobUnderTest;
import io.nextitem.testing.KafkaTool;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The commands docs/cluster.md gives an operator, run exactly as written (the script, not the
 * classes behind it): {@code deploy/bin/cluster start}, {@code submit -- run --config FILE},
 * {@code status}, {@code start --missing} after a TaskManager died, {@code stop}; the cluster
 * outlives the command that started it, and {@code status} exits non-zero while a process is down
 * and once the cluster is stopped. Then the runbook's scale and dead-letter commands (docs/operations.md), with
 * Kafka's and Flink's own tools.
 */
class ClusterScriptITCase extends BrokerITCase {
    @Test
    void startSubmitStatusStopAsTheDocsGiveThem() throws Exception {
        String home = tmp.resolve("cluster").toString();
        String port = Integer.toString(LocalKafkaBroker.freePort());
        try {
            ChildProcess.Result start = script("start", "--home", home, "--rest-port", port);
            assertThat(start.exit()).as(start.output()).isZero();
            assertThat(start.output()).contains("dashboard http://localhost:" + port);

            Path registry = tmp.resolve("registry");
            DemoModel.copyTo(registry);
            JobConfig config = JobUnderTest.configFor(broker, registry, tmp.resolve("checkpoints"));
            KafkaTopics.create(broker.bootstrapServers(), 2, List.of(config.kafka.clicksTopic));
            KafkaTopics.create(broker.bootstrapServers(), 1, List.of(config.kafka.recommendationsTopic,
                    config.kafka.deadLetterTopic));
            Path configFile = tmp.resolve("nextitem.yaml");
            JobConfigLoader.write(config, configFile);
            ChildProcess.Result submit = script("submit", "--home", home, "--", "run", "--config", configFile.toString());
            assertThat(submit.exit()).as(submit.output()).isZero();
            String jobId = submit.output().strip().lines().reduce((a, b) -> b).orElseThrow();
            assertThat(jobId).matches("[0-9a-f]{32}");

            ChildProcess.Result status = script("status", "--home", home);
            assertThat(status.exit()).as(status.output()).isZero();
            assertThat(status.output()).contains("jobmanager       running", "taskmanager-1    running",
                    "taskmanager-2    running", "2 TaskManagers registered", "job " + jobId);

            // The runbook's answer to a dead process: status says so, `start --missing` brings it back.
            long pid = Long.parseLong(java.nio.file.Files.readString(Path.of(home, "pids", "taskmanager-2.pid")).strip());
            ProcessHandle victim = ProcessHandle.of(pid).orElseThrow();
            victim.destroyForcibly();
            victim.onExit().get(30, TimeUnit.SECONDS);
            ChildProcess.Result down = script("status", "--home", home);
            assertThat(down.exit()).as(down.output()).isNotZero();
            assertThat(down.output()).contains("taskmanager-2    down");
            ChildProcess.Result missing = script("start", "--missing", "--home", home);
            assertThat(missing.exit()).as(missing.output()).isZero();
            assertThat(missing.output()).contains("started [taskmanager-2]");
            assertThat(script("status", "--home", home).output()).contains("taskmanager-2    running");

            scaleAndReadDeadLettersAsTheRunbookSays(home, config, configFile, jobId);
        } finally {
            ChildProcess.Result stop = script("stop", "--home", home);
            assertThat(stop.exit()).as(stop.output()).isZero();
        }
        assertThat(script("status", "--home", home).exit()).as("status after stop").isNotZero();
    }

    /**
     * The runbook's "Scale" and "Read the dead-letter topic" commands (docs/operations.md), run with Kafka's and
     * Flink's own tools: more partitions (kafka-topics.sh --alter), stop with a savepoint (flink
     * stop --savepointPath), start from it at the new parallelism (flink run -s -p), then the raw
     * dead letters (kafka-console-consumer.sh --from-beginning).
     */
    private void scaleAndReadDeadLettersAsTheRunbookSays(String home, JobConfig config, Path configFile, String jobId)
            throws Exception {
        StandaloneCluster cluster = StandaloneCluster.attach(Path.of(home));
        cluster.rest().awaitAllRunning(jobId, Duration.ofMinutes(3));
        try (var producer = new io.nextitem.tools.replay.ClickReplayer(broker.bootstrapServers(), config.kafka.clicksTopic)) {
            producer.sendRaw("runbook".getBytes(StandardCharsets.UTF_8), "runbook-malformed".getBytes(StandardCharsets.UTF_8),
                    System.currentTimeMillis());
        }
        ChildProcess.Result partitions = KafkaTool.run(KafkaTool.TOPICS, List.of("--bootstrap-server", broker.bootstrapServers(),
                "--alter", "--topic", config.kafka.clicksTopic, "--partitions", "4"), Duration.ofMinutes(1));
        assertThat(partitions.exit()).as(partitions.output()).isZero();

        Path savepoints = tmp.resolve("savepoints");
        StandaloneCluster.CliResult stop = cluster.runCli(List.of("stop", "--savepointPath", savepoints.toUri().toString(),
                jobId), Duration.ofMinutes(3));
        assertThat(stop.exitCode()).as(stop.output()).isZero();
        String savepoint = stop.output().lines().filter(l -> l.contains("Savepoint completed. Path:")).findFirst()
                .orElseThrow(() -> new AssertionError("no savepoint path in:\n" + stop.output()))
                .replaceAll(".*Path: ", "").trim();
        StandaloneCluster.CliResult run = cluster.runCli(List.of("run", "-s", savepoint, "-p", "2", "--detached",
                Path.of("target", "nextitem-job.jar").toAbsolutePath().toString(), "run", "--config", configFile.toString()),
                Duration.ofMinutes(3));
        assertThat(run.exitCode()).as(run.output()).isZero();
        String rescaled = run.output().lines().filter(l -> l.contains("JobID")).findFirst().orElseThrow()
                .replaceAll(".*JobID ", "").trim();
        cluster.rest().awaitAllRunning(rescaled, Duration.ofMinutes(3));
        for (var vertex : cluster.rest().job(rescaled).path("vertices")) {
            if (vertex.path("name").asText().contains("user-sequence")) {
                assertThat(vertex.path("parallelism").asInt()).as("the keyed operators at the new parallelism").isEqualTo(2);
            }
        }

        ChildProcess.Result deadLetters = KafkaTool.run(KafkaTool.CONSOLE_CONSUMER, List.of("--bootstrap-server",
                broker.bootstrapServers(), "--topic", config.kafka.deadLetterTopic, "--from-beginning",
                "--max-messages", "1", "--timeout-ms", "60000"), Duration.ofMinutes(2));
        assertThat(deadLetters.exit()).as(deadLetters.output()).isZero();
        assertThat(deadLetters.output()).as("the original bytes, raw").contains("runbook-malformed");
    }

    private static ChildProcess.Result script(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("deploy/bin/cluster"));
        command.addAll(List.of(args));
        return ChildProcess.run(command, Duration.ofMinutes(3));
    }
}
