package io.nextitem.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.nextitem.config.JobConfig;
import io.nextitem.config.JobConfigLoader;
import java.time.Duration;
import org.apache.flink.changelog.fs.FsStateChangelogOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateChangelogOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.RecoveryClaimMode;
import org.junit.jupiter.api.Test;

/** checkpoint.changelog (off by default) and its keys reach Flink's changelog state backend settings, and bad values are refused. */
class CheckpointChangelogTest {
    private static JobConfig configWith(String checkpointYaml) {
        return JobConfigLoader.parse("model:\n  registry: r\ncheckpoint:\n" + checkpointYaml, "test.yaml");
    }

    @Test
    void onTheLogGoesBesideTheCheckpointsAndSavepointsAreClaimed() {
        JobConfig config = configWith("  dir: file:///var/nextitem/checkpoints/\n  changelog: true\n");
        assertThat(config.validate()).isEmpty();
        Configuration flink = JobEnvironment.flinkConfiguration(config);
        assertThat(flink.get(StateChangelogOptions.ENABLE_STATE_CHANGE_LOG)).isTrue();
        assertThat(flink.get(StateChangelogOptions.STATE_CHANGE_LOG_STORAGE)).isEqualTo("filesystem");
        assertThat(flink.get(FsStateChangelogOptions.BASE_PATH)).isEqualTo("file:///var/nextitem/checkpoints/changelog");
        assertThat(flink.get(StateChangelogOptions.PERIODIC_MATERIALIZATION_INTERVAL)).isEqualTo(Duration.ofMinutes(1));
        // NO_CLAIM needs a full first checkpoint the changelog backend cannot take: the job would fail on every restart.
        assertThat(flink.get(StateRecoveryOptions.RESTORE_MODE)).isEqualTo(RecoveryClaimMode.CLAIM);
    }

    @Test
    void itsDirectoryAndMaterializationIntervalAreTheConfigs() {
        JobConfig config = configWith("  changelog: true\n  changelog-dir: s3://bucket/changelog\n"
                + "  changelog-materialization-interval-ms: 300000\n");
        assertThat(config.validate()).isEmpty();
        Configuration flink = JobEnvironment.flinkConfiguration(config);
        assertThat(flink.get(FsStateChangelogOptions.BASE_PATH)).isEqualTo("s3://bucket/changelog");
        assertThat(flink.get(StateChangelogOptions.PERIODIC_MATERIALIZATION_INTERVAL)).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void offByDefaultLeavingPlainRocksDbCheckpointsAndSavepointsUnclaimed() {
        JobConfig config = configWith("  changelog-dir: not-a-uri\n");
        assertThat(config.checkpoint.changelog).isFalse();
        assertThat(config.validate()).as("the changelog's keys are not checked when it is off").isEmpty();
        Configuration flink = JobEnvironment.flinkConfiguration(config);
        assertThat(flink.get(StateChangelogOptions.ENABLE_STATE_CHANGE_LOG)).isFalse();
        assertThat(flink.contains(FsStateChangelogOptions.BASE_PATH)).isFalse();
        assertThat(flink.get(StateRecoveryOptions.RESTORE_MODE)).isEqualTo(RecoveryClaimMode.NO_CLAIM);
    }

    @Test
    void aRelativeDirectoryOrAnIntervalOutOfRangeIsRefusedByKey() {
        JobConfig config = configWith("  changelog: true\n  changelog-dir: /var/nextitem/changelog\n"
                + "  changelog-materialization-interval-ms: 10\n");
        assertThat(config.validate())
                .anyMatch(e -> e.startsWith("checkpoint.changelog-dir '/var/nextitem/changelog' must be a URI"))
                .anyMatch(e -> e.startsWith("checkpoint.changelog-materialization-interval-ms"));
    }
}
