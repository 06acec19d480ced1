package io.nextitem.tools.reliability;

import io.nextitem.config.JobConfig;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.api.common.JobID;

/**
 * The Flink cluster a reliability scenario runs the production job on and hurts: a MiniCluster in
 * this JVM ({@link LocalFlinkCluster}) or a standalone cluster of separate JVMs that receives the
 * job jar over REST ({@link StandaloneJobCluster}), where a TaskManager dies by SIGKILL.
 */
interface JobCluster extends AutoCloseable {
    /** "minicluster" or "standalone", recorded with every scenario. */
    String kind();

    /** How {@link #killTaskManager} hurts: "task-manager-terminated-in-jvm" or "process-kill". */
    String taskManagerFault();

    /** The parallelisms the rescale scenario goes through (the cluster's slots bound them). */
    int[] rescaleParallelisms();

    /** Submits the production job built from {@code config}, restored from {@code savepoint} if not null. */
    JobID submit(JobConfig config, Path savepoint) throws Exception;

    /** Waits until the job and every one of its tasks run (after a start or a recovery). */
    void awaitAllRunning(JobID job, Duration timeout) throws Exception;

    /** How often the job recovered: the highest attempt number of any of its subtasks. */
    int recoveries(JobID job) throws Exception;

    /** Kills a TaskManager that runs tasks of the job (every task on it dies at once) and starts one in its place. */
    void killTaskManager() throws Exception;

    /** Stops the job with a savepoint under {@code dir}; returns the savepoint's path. */
    Path stopWithSavepoint(JobID job, Path dir) throws Exception;

    /**
     * Lines of the cluster's logs so far in which the Kafka committer reports a fenced producer
     * after a recovery (an expected, harmless message on this path: see the runbook); -1 where the
     * cluster keeps no logs of its own.
     */
    long fencedProducerLogLines() throws Exception;
}
