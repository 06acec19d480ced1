package io.nextitem.job;

import io.nextitem.config.JobConfig;
import java.time.Duration;
import org.apache.flink.changelog.fs.FsStateChangelogOptions;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateChangelogOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.state.rocksdb.RocksDBConfigurableOptions;
import org.apache.flink.state.rocksdb.RocksDBOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.RecoveryClaimMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The Flink settings the loop needs: RocksDB state with incremental (optionally log-based)
 * checkpoints, exactly-once checkpointing (which is also what makes Kafka output visible), and a
 * bounded restart policy.
 */
public final class JobEnvironment {
    private JobEnvironment() {}

    public static Configuration flinkConfiguration(JobConfig config) {
        Configuration conf = new Configuration();
        conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        conf.set(RocksDBOptions.PREDEFINED_OPTIONS, config.state.rocksdbProfile);
        conf.set(RocksDBConfigurableOptions.USE_BLOOM_FILTER, config.state.rocksdbBloomFilter);
        conf.set(RocksDBConfigurableOptions.BLOOM_FILTER_BITS_PER_KEY, config.state.rocksdbBloomBitsPerKey);
        conf.set(RocksDBConfigurableOptions.BLOCK_SIZE, new MemorySize(config.state.rocksdbBlockSizeKb * 1024L));
        conf.set(RocksDBOptions.USE_PARTITIONED_INDEX_FILTERS, config.state.rocksdbPartitionedIndexFilters);
        conf.set(RocksDBOptions.WRITE_BUFFER_RATIO, config.state.rocksdbWriteBufferRatio);
        conf.set(RocksDBOptions.HIGH_PRIORITY_POOL_RATIO, config.state.rocksdbHighPriorityPoolRatio);
        conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, config.checkpoint.incremental);
        conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, config.checkpoint.dir);
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(config.checkpoint.intervalMs));
        conf.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
        // A cancelled job, or one whose JobManager died without high availability, leaves its
        // last checkpoint on disk: the runbook's manual restart resumes from it.
        conf.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                org.apache.flink.configuration.ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
        conf.set(ExecutionOptions.BUFFER_TIMEOUT, Duration.ofMillis(config.networkBufferTimeoutMs));
        // Chained operators hand records over without a serializer copy (Avro deep copies were a
        // large share of the recommend task's time). Safe because no function keeps or mutates its
        // input after returning, and the async operator copies what it keeps in flight itself.
        conf.set(PipelineOptions.OBJECT_REUSE, true);
        if (config.checkpoint.changelog) {
            // The keyed task's synchronous checkpoint part then appends a log position instead of
            // flushing RocksDB (see CheckpointSettings.changelog); RocksDB is snapshotted on its own schedule.
            conf.set(StateChangelogOptions.ENABLE_STATE_CHANGE_LOG, true);
            conf.set(StateChangelogOptions.STATE_CHANGE_LOG_STORAGE, "filesystem");
            conf.set(FsStateChangelogOptions.BASE_PATH, config.checkpoint.changelogLocation());
            conf.set(StateChangelogOptions.PERIODIC_MATERIALIZATION_INTERVAL,
                    Duration.ofMillis(config.checkpoint.changelogMaterializationIntervalMs));
            // Restoring a savepoint in NO_CLAIM mode needs a full first checkpoint, which the
            // changelog backend cannot take: the job would fail on every restart. CLAIM makes the
            // savepoint the job's own first checkpoint (Flink may delete it once subsumed).
            conf.set(StateRecoveryOptions.RESTORE_MODE, RecoveryClaimMode.CLAIM);
        }
        return conf;
    }

    /**
     * The local cluster's settings: the dashboard (and its REST API, which can cancel jobs and
     * upload jars) listens on the loopback interface only, never on every interface.
     */
    public static Configuration localDashboardConfiguration(JobConfig config, int dashboardPort) {
        Configuration conf = flinkConfiguration(config);
        conf.set(RestOptions.PORT, dashboardPort);
        conf.set(RestOptions.BIND_ADDRESS, "localhost");
        conf.set(RestOptions.ADDRESS, "localhost");
        return conf;
    }

    /**
     * Prometheus metrics of a local run on 127.0.0.1:{@code port}, named as the cluster's reporter
     * (deploy/flink/config.yaml) names them; see {@link LoopbackPrometheusReporter}.
     */
    public static Configuration prometheusReporter(int port) {
        Configuration conf = new Configuration();
        conf.setString("metrics.reporter.prom.factory.class", LoopbackPrometheusReporter.Factory.class.getName());
        conf.setString("metrics.reporter.prom.port", Integer.toString(port));
        return conf;
    }

    /** The cluster's environment under `flink run`, else a local one in this JVM. */
    public static StreamExecutionEnvironment create(JobConfig config) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flinkConfiguration(config));
        env.setParallelism(config.parallelism);
        return env;
    }

    /**
     * A local cluster in this JVM with the web dashboard on the given port and, unless
     * {@code prometheusPort} is 0, every metric at http://localhost:PORT/metrics for Prometheus.
     */
    public static StreamExecutionEnvironment createLocalWithDashboard(JobConfig config, int dashboardPort,
                                                                      int prometheusPort) {
        BusyPortException.requireFree(dashboardPort, "dashboard", "--dashboard-port", true);
        if (prometheusPort > 0) {
            BusyPortException.requireFree(prometheusPort, "Prometheus endpoint", "--prometheus-port", false);
        }
        Configuration conf = localDashboardConfiguration(config, dashboardPort);
        if (prometheusPort > 0) {
            conf.addAll(prometheusReporter(prometheusPort));
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf);
        env.setParallelism(config.parallelism);
        return env;
    }
}
