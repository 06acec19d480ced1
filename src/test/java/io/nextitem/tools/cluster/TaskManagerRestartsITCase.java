package io.nextitem.tools.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.nextitem.config.JobConfig;
import io.nextitem.config.JobConfigLoader;
import io.nextitem.tools.kafka.KafkaTopics;
import io.nextitem.testing.BrokerITCase;
import io.nextitem.testing.DemoModel;
import io.nextitem.testing.JobUnderTest;
import io.nextitem.testing.TestClusters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Seven restarts of the job inside the same TaskManager process: failovers (the other TaskManager
 * killed, so this one's tasks restart in place) and resubmissions (cancel, then a new job from
 * the uploaded jar). Each restart loads the job's classes in a fresh class loader beside the
 * native code of lib/ (ONNX Runtime, RocksDB), which must be reused, not loaded twice; the
 * TaskManager's resident memory and Metaspace, after a full GC, may not grow by more than 150 MB
 * from the first restart to the seventh.
 */
class TaskManagerRestartsITCase extends BrokerITCase {
    private static final int RESTARTS = 7;
    private static final long BOUND_BYTES = 150L << 20;
    private static final String WATCHED = "taskmanager-1";
    private static final Pattern LINKAGE_ERRORS = Pattern.compile(
            "UnsatisfiedLinkError|LinkageError|already loaded in another classloader|NoClassDefFoundError");

    @Test
    void sevenRestartsInOneTaskManagerLeaveNoErrorAndBoundedMemory() throws Exception {
        StandaloneCluster.Options options = TestClusters.options(tmp.resolve("cluster"));
        try (StandaloneCluster cluster = StandaloneCluster.startSession(options)) {
            Path registry = tmp.resolve("registry");
            DemoModel.copyTo(registry);
            JobConfig config = JobUnderTest.configFor(broker, registry, cluster.home().checkpoints());
            config.parallelism = 2;
            KafkaTopics.create(broker.bootstrapServers(), 2, List.of(config.kafka.clicksTopic));
            KafkaTopics.create(broker.bootstrapServers(), 1, List.of(config.kafka.recommendationsTopic,
                    config.kafka.deadLetterTopic));
            Path configFile = tmp.resolve("nextitem.yaml");
            JobConfigLoader.write(config, configFile);
            String jarId = cluster.rest().uploadJar(Path.of("target", "nextitem-job.jar"));
            long pid = cluster.process(WATCHED).orElseThrow().pid();

            String job = submit(cluster, jarId, configFile);
            Map<String, Long> first = null;
            Map<String, Long> last = null;
            for (int restart = 1; restart <= RESTARTS; restart++) {
                if (restart % 3 == 0) {
                    // Failover: the other TaskManager dies; this one's subtask restarts in this process.
                    int before = maxAttempt(cluster, job);
                    cluster.kill("taskmanager-2");
                    cluster.startTaskManager("taskmanager-2");
                    awaitRestartedAndRunning(cluster, job, before);
                } else {
                    cluster.rest().cancel(job);
                    awaitState(cluster, job, "CANCELED");
                    job = submit(cluster, jarId, configFile);
                }
                assertThat(cluster.process(WATCHED).orElseThrow().pid()).as("the same TaskManager process").isEqualTo(pid);
                Map<String, Long> memory = memoryAfterGc(cluster, pid);
                if (restart == 1) {
                    first = memory;
                }
                last = memory;
            }
            assertThat(last.get("rss") - first.get("rss")).as("resident memory growth, first to last restart")
                    .isLessThan(BOUND_BYTES);
            assertThat(last.get("metaspace") - first.get("metaspace")).as("Metaspace growth, first to last restart")
                    .isLessThan(BOUND_BYTES);
            List<String> errors = new ArrayList<>();
            for (String line : Files.readAllLines(cluster.home().logFile(WATCHED))) {
                if (LINKAGE_ERRORS.matcher(line).find()) {
                    errors.add(line);
                }
            }
            assertThat(errors).as("class-loader and native-library errors in " + WATCHED).isEmpty();
            System.out.printf(RESTARTS + " restarts in %s: RSS %d -> %d MB, Metaspace %d -> %d MB%n", WATCHED,
                    first.get("rss") >> 20, last.get("rss") >> 20, first.get("metaspace") >> 20, last.get("metaspace") >> 20);
        }
    }

    private static String submit(StandaloneCluster cluster, String jarId, Path configFile) throws Exception {
        String job = cluster.rest().runJar(jarId, "io.nextitem.cli.NextItemCli", List.of("run", "--config",
                configFile.toString()), null, null);
        awaitAllRunning(cluster, job);
        return job;
    }

    private static void awaitRestartedAndRunning(StandaloneCluster cluster, String job, int attemptBefore) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (maxAttempt(cluster, job) <= attemptBefore) {
            assertThat(System.nanoTime()).as("the failover began within 3 minutes").isLessThan(deadline);
            Thread.sleep(200);
        }
        awaitAllRunning(cluster, job);
    }

    private static void awaitAllRunning(StandaloneCluster cluster, String job) throws Exception {
        cluster.rest().awaitAllRunning(job, Duration.ofMinutes(3));
    }

    private static void awaitState(StandaloneCluster cluster, String job, String state) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (!cluster.rest().jobState(job).equals(state)) {
            assertThat(System.nanoTime()).as(job + " " + state + " within a minute").isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    private static int maxAttempt(StandaloneCluster cluster, String job) throws Exception {
        return cluster.rest().highestAttempt(job);
    }

    /** VmRSS from /proc and Metaspace's used bytes from jcmd, after a full GC (old class loaders collected). */
    private static Map<String, Long> memoryAfterGc(StandaloneCluster cluster, long pid) throws Exception {
        jcmd(pid, "GC.run");
        Map<String, Long> memory = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                memory.put("rss", Long.parseLong(line.replaceAll("\\D", "")) * 1024);
            }
        }
        Matcher used = Pattern.compile("Metaspace\\s+used (\\d+)K").matcher(jcmd(pid, "GC.heap_info"));
        assertThat(used.find()).as("jcmd GC.heap_info shows Metaspace").isTrue();
        memory.put("metaspace", Long.parseLong(used.group(1)) * 1024);
        return memory;
    }

    private static String jcmd(long pid, String command) throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out;
    }
}
