package io.nextitem.tools.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import io.nextitem.tools.build.BuildOutputs;
import io.nextitem.tools.cluster.StandaloneCluster;
import io.nextitem.config.JobConfig;
import io.nextitem.config.JobConfigLoader;
import io.nextitem.tools.kafka.LocalKafkaBroker;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.flink.api.common.JobID;

/**
 * The reliability scenarios on a standalone cluster of separate JVMs (one JobManager, two
 * TaskManagers with two slots each, laid out and configured as shipped): the job jar operators
 * deploy, uploaded once and run through the REST API with each scenario's config file; a
 * TaskManager killed with SIGKILL (alternately the first and the second, both run subtasks)
 * and started again as a fresh process.
 */
final class StandaloneJobCluster implements JobCluster {
    private static final String ENTRY_CLASS = "io.nextitem.cli.NextItemCli";
    private static final int TASK_MANAGERS = 2;
    private final StandaloneCluster cluster;
    private final Path work;
    private final PrintStream log;
    private final String jarId;
    private int kills;

    StandaloneJobCluster(Path work, PrintStream log) throws IOException {
        this.work = work;
        this.log = log;
        StandaloneCluster.Options options = new StandaloneCluster.Options();
        options.home = work.resolve("cluster");
        options.taskManagers = TASK_MANAGERS;
        options.restPort = LocalKafkaBroker.freePort();
        options.rpcPort = LocalKafkaBroker.freePort();
        this.cluster = StandaloneCluster.startSession(options);
        log.printf("standalone Flink cluster: dashboard %s, logs in %s%n", cluster.rest().base(), cluster.home().log());
        this.jarId = cluster.rest().uploadJar(BuildOutputs.find("nextitem-job.jar", "nextitem.job.jar", "NEXTITEM_JOB_JAR"));
    }

    StandaloneCluster cluster() {
        return cluster;
    }

    /** Starts the JobManager again after it died and waits for both TaskManagers to register with it. */
    void restartJobManager() throws IOException {
        cluster.startSessionJobManager();
        cluster.awaitTaskManagers(TASK_MANAGERS, Duration.ofMinutes(3));
    }

    @Override
    public String kind() {
        return "standalone";
    }

    @Override
    public String taskManagerFault() {
        return "process-kill";
    }

    @Override
    public int[] rescaleParallelisms() {
        return new int[] {2, 4, 2};   // 4 = every slot of both task managers
    }

    @Override
    public JobID submit(JobConfig config, Path savepoint) throws Exception {
        Path file = work.resolve("job-" + UUID.randomUUID().toString().substring(0, 8) + ".yaml");
        JobConfigLoader.write(config, file);
        String job = cluster.rest().runJar(jarId, ENTRY_CLASS, List.of("run", "--config", file.toString()),
                config.parallelism, savepoint == null ? null : savepoint.toUri().toString());
        return JobID.fromHexString(job);
    }

    @Override
    public void awaitAllRunning(JobID job, Duration timeout) throws Exception {
        cluster.rest().awaitAllRunning(job.toHexString(), timeout);
    }

    @Override
    public int recoveries(JobID job) throws Exception {
        return cluster.rest().highestAttempt(job.toHexString());
    }

    /**
     * SIGKILLs a TaskManager process, starts a fresh one in its place, and returns once the
     * JobManager has noticed the loss in every running job (a new attempt of some subtask, or the
     * job no longer RUNNING): right after the kill the jobs still look RUNNING, and a recovery
     * awaited then would be over before it began.
     */
    @Override
    public void killTaskManager() throws Exception {
        java.util.Map<JobID, Integer> attemptsBefore = new java.util.HashMap<>();
        for (JsonNode job : cluster.rest().jobs().path("jobs")) {
            if (job.path("state").asText().equals("RUNNING")) {
                JobID id = JobID.fromHexString(job.path("jid").asText());
                attemptsBefore.put(id, recoveries(id));
            }
        }
        String victim = StandaloneCluster.taskManagerName(kills++ % TASK_MANAGERS + 1);
        long pid = cluster.process(victim).orElseThrow().pid();
        cluster.kill(victim);
        log.printf("  SIGKILL to %s (pid %d); starting a fresh %s%n", victim, pid, victim);
        cluster.startTaskManager(victim);
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        for (var entry : attemptsBefore.entrySet()) {
            while (cluster.rest().jobState(entry.getKey().toHexString()).equals("RUNNING")
                    && recoveries(entry.getKey()) <= entry.getValue()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("job " + entry.getKey() + " did not notice the loss of " + victim
                            + " within 2 minutes");
                }
                Thread.sleep(200);
            }
        }
    }

    @Override
    public Path stopWithSavepoint(JobID job, Path dir) throws Exception {
        String location = cluster.rest().stopWithSavepoint(job.toHexString(), dir.toUri().toString(),
                Duration.ofMinutes(2));
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!List.of("FINISHED", "CANCELED", "FAILED").contains(cluster.rest().jobState(job.toHexString()))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("job " + job + " did not end after its savepoint");
            }
            Thread.sleep(200);
        }
        return Path.of(java.net.URI.create(location));
    }

    @Override
    public long fencedProducerLogLines() throws IOException {
        long lines = 0;
        try (var logs = Files.list(cluster.home().log())) {
            for (Path file : logs.filter(p -> p.getFileName().toString().matches("taskmanager-\\d+\\.log")).toList()) {
                try (var text = Files.lines(file)) {
                    lines += text.filter(l -> l.contains("fenced")).count();
                }
            }
        }
        return lines;
    }

    @Override
    public void close() {
        cluster.close();
    }
}
