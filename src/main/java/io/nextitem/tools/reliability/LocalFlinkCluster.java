package io.nextitem.tools.reliability;

import io.nextitem.config.JobConfig;
import io.nextitem.job.JobEnvironment;
import io.nextitem.job.NextItemJob;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.execution.ExecutionState;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;

/**
 * A Flink cluster in this JVM that the reliability scenarios can hurt: one task manager with two
 * slots, which {@link #killTaskManager} terminates (every task on it fails at once, as when a
 * machine dies) and replaces. Jobs run with the production settings of {@link JobEnvironment},
 * restart strategy included: recovery is the job's own, not the suite's.
 */
final class LocalFlinkCluster implements JobCluster {
    private static final Duration POLL = Duration.ofMillis(100);
    private final MiniCluster cluster;
    /**
     * The index of the running task manager: the cluster keeps terminated ones in its list
     * (terminating the same index twice does nothing), and a started one is appended.
     */
    private int liveTaskManager = 0;

    LocalFlinkCluster() throws Exception {
        cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(2)
                .setConfiguration(new Configuration())
                .build());
        cluster.start();
    }

    @Override
    public String kind() {
        return "minicluster";
    }

    @Override
    public String taskManagerFault() {
        return "task-manager-terminated-in-jvm";
    }

    @Override
    public int[] rescaleParallelisms() {
        return new int[] {1, 2, 1};   // one task manager with two slots
    }

    @Override
    public long fencedProducerLogLines() {
        return -1;
    }

    @Override
    public JobID submit(JobConfig config, Path savepoint) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
                JobEnvironment.flinkConfiguration(config));
        env.setParallelism(config.parallelism);
        NextItemJob.build(env, config);
        StreamGraph graph = env.getStreamGraph();
        graph.setJobName(NextItemJob.JOB_NAME + "-reliability");
        if (savepoint != null) {
            graph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(savepoint.toUri().toString(), false));
        }
        return cluster.submitJob(graph).get().getJobID();
    }

    /** Waits until the job and every one of its tasks run (after a start or a recovery). */
    @Override
    public void awaitAllRunning(JobID job, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!allRunning(job)) {
            JobStatus status = cluster.getJobStatus(job).get();
            if (status.isGloballyTerminalState()) {
                throw new IllegalStateException("job " + job + " ended " + status + " instead of running");
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("job " + job + " not fully running within " + timeout + " (" + status + ")");
            }
            Thread.sleep(POLL.toMillis()); // the cluster has no "all tasks running" event to wait on
        }
    }

    private boolean allRunning(JobID job) throws Exception {
        AccessExecutionGraph graph = cluster.getExecutionGraph(job).get();
        if (graph.getState() != JobStatus.RUNNING) {
            return false;
        }
        for (AccessExecutionVertex vertex : graph.getAllExecutionVertices()) {
            if (vertex.getExecutionState() != ExecutionState.RUNNING) {
                return false;
            }
        }
        return true;
    }

    /**
     * How often the job recovered: a task's attempt number grows by one with every restart that
     * reached it, and a dead task manager restarts the whole (single-region) job.
     */
    @Override
    public int recoveries(JobID job) throws Exception {
        int attempts = 0;
        for (AccessExecutionVertex vertex : cluster.getExecutionGraph(job).get().getAllExecutionVertices()) {
            attempts = Math.max(attempts, vertex.getCurrentExecutionAttempt().getAttemptNumber());
        }
        return attempts;
    }

    /** Terminates the task manager (all its tasks die mid-record) and starts a fresh one in its place. */
    @Override
    public void killTaskManager() throws Exception {
        cluster.terminateTaskManager(liveTaskManager).get(60, TimeUnit.SECONDS);
        cluster.startTaskManager();
        liveTaskManager++;
    }

    /** Stops the job with a canonical savepoint under {@code dir}; returns the savepoint's path. */
    @Override
    public Path stopWithSavepoint(JobID job, Path dir) throws Exception {
        String location = cluster.stopWithSavepoint(job, dir.toUri().toString(), false, SavepointFormatType.CANONICAL)
                .get(120, TimeUnit.SECONDS);
        awaitTerminal(job);
        return Path.of(java.net.URI.create(location));
    }

    void cancel(JobID job) throws Exception {
        if (!cluster.getJobStatus(job).get().isGloballyTerminalState()) {
            cluster.cancelJob(job).get(60, TimeUnit.SECONDS);
        }
        awaitTerminal(job);
    }

    JobStatus status(JobID job) throws Exception {
        return cluster.getJobStatus(job).get();
    }

    private void awaitTerminal(JobID job) throws Exception {
        cluster.requestJobResult(job).get(120, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
