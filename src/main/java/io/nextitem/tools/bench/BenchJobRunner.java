package io.nextitem.tools.bench;

import io.nextitem.config.JobConfig;
import io.nextitem.config.JobConfigLoader;
import io.nextitem.job.JobEnvironment;
import io.nextitem.job.NextItemJob;
import io.nextitem.tools.kafka.KafkaTopics;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.StateLatencyTrackOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Starts the production job (the same {@link NextItemJob#build}) on a local Flink cluster in this
 * JVM for one benchmark run: its own output topics, group and transactional ids, RocksDB state
 * and checkpoints under the run's folder, and no restarts (a failure ends the run, it is not
 * hidden in the figure).
 */
final class BenchJobRunner {
    private BenchJobRunner() {}

    /** @param sequenceLength the served version's max_seq_len: state keeps as many clicks as the model reads */
    static JobConfig config(String bootstrap, Path registry, Path work, String clicksTopic, BenchSettings settings,
                            int sequenceLength, int batchMaxSize, boolean exactlyOnce) {
        String run = UUID.randomUUID().toString().substring(0, 8);
        JobConfig config = JobConfig.isolatedRun(bootstrap, "bench", run);
        config.parallelism = settings.parallelism();
        config.kafka.clicksTopic = clicksTopic; // preloaded once, read by every run
        config.kafka.deliveryGuarantee = exactlyOnce ? "exactly-once" : "at-least-once";
        config.sequence.maxLength = sequenceLength;
        config.model.registry = registry.toString();
        config.model.executionProvider = settings.provider();
        config.model.intraOpThreads = settings.intraOpThreads();
        config.model.batchMaxSize = batchMaxSize;
        config.model.batchMaxDelayMs = settings.batchMaxDelayMs();
        config.checkpoint.dir = work.resolve("checkpoints-" + run).toUri().toString();
        config.checkpoint.intervalMs = settings.checkpointIntervalMs();
        config.checkpoint.changelog = settings.changelog();
        return JobConfigLoader.override(config, settings.jobSettings(), "bench --set").validated();
    }

    static JobClient start(JobConfig config) throws Exception {
        return start(config, null, 0);
    }

    /**
     * @param savepoint state to start from, or null; state in it that the job has no operator for
     *                  (a seeding job's source) is skipped
     * @param restPort  port for the local cluster's REST API (checkpoint statistics), or 0 for none
     */
    static JobClient start(JobConfig config, Path savepoint, int restPort) throws Exception {
        return start(config, savepoint, restPort, 0, false);
    }

    /**
     * @param managedMemoryMb    the local task manager's managed memory (RocksDB's cache and memtables), 0 for Flink's default
     * @param trackStateLatency  Flink's keyed-state latency tracking on (sampled histograms, read back by {@link StateLatencyStats})
     */
    static JobClient start(JobConfig config, Path savepoint, int restPort, long managedMemoryMb, boolean trackStateLatency)
            throws Exception {
        KafkaTopics.create(config.kafka.bootstrapServers, 1,
                List.of(config.kafka.recommendationsTopic, config.kafka.deadLetterTopic));
        // Both are read when the local cluster starts, so they go into the environment's configuration.
        Configuration cluster = new Configuration();
        if (managedMemoryMb > 0) {
            cluster.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.ofMebiBytes(managedMemoryMb));
        }
        cluster.set(StateLatencyTrackOptions.LATENCY_TRACK_ENABLED, trackStateLatency);
        StreamExecutionEnvironment env = environment(config, savepoint, restPort, cluster);
        NextItemJob.build(env, config);
        return env.executeAsync(NextItemJob.JOB_NAME + "-bench");
    }

    /** The job's Flink settings (RocksDB, incremental checkpoints), no restarts, optionally restored and with REST. */
    static StreamExecutionEnvironment environment(JobConfig config, Path savepoint, int restPort) {
        return environment(config, savepoint, restPort, new Configuration());
    }

    /** @param cluster more settings for the local cluster, applied last */
    static StreamExecutionEnvironment environment(JobConfig config, Path savepoint, int restPort, Configuration cluster) {
        // With REST, the job's own local-dashboard settings (port, loopback only); else its plain ones.
        Configuration flinkConf = restPort > 0 ? JobEnvironment.localDashboardConfiguration(config, restPort)
                : JobEnvironment.flinkConfiguration(config);
        flinkConf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        if (savepoint != null) {
            flinkConf.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint.toUri().toString());
            flinkConf.set(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE, true);
        }
        flinkConf.addAll(cluster);
        if (restPort <= 0) {
            return StreamExecutionEnvironment.createLocalEnvironment(config.parallelism, flinkConf);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(flinkConf);
        env.setParallelism(config.parallelism);
        return env;
    }
}
