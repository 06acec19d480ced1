package io.nextitem.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nextitem.config.InvalidConfigException;
import io.nextitem.config.JobConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class SettingsVariantTest {

    @Test
    void aVariantChangesOnlyTheSettingsItNames() {
        SettingsVariant variant = SettingsVariant.parse("--state-variant", "partitioned-16k:state.rocksdb-partitioned-index-filters=true, state.rocksdb-block-size-kb=16");
        assertThat(variant.name()).isEqualTo("partitioned-16k");
        JobConfig config = variant.applyTo(benchConfig());
        assertThat(config.state.rocksdbPartitionedIndexFilters).isTrue();
        assertThat(config.state.rocksdbBlockSizeKb).isEqualTo(16);
        assertThat(config.state.rocksdbBloomFilter).isEqualTo(new JobConfig().state.rocksdbBloomFilter);

        JobConfig unchanged = SettingsVariant.parse("--state-variant", "default").applyTo(benchConfig());
        assertThat(unchanged.state.rocksdbBlockSizeKb).isEqualTo(new JobConfig().state.rocksdbBlockSizeKb);
    }

    @Test
    void badVariantsFailBeforeAnythingRunsWithTheReason() {
        assertThatThrownBy(() -> SettingsVariant.parse("--state-variant", "x:state.rocksdb-blocksize-kb=16"))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("did you mean state.rocksdb-block-size-kb?");
        assertThatThrownBy(() -> SettingsVariant.parse("--state-variant", "x:state.rocksdb-write-buffer-ratio=1.5"))
                .hasMessageContaining("state.rocksdb-write-buffer-ratio is 1.5");
        assertThatThrownBy(() -> SettingsVariant.parse("--state-variant", "bad name:state.rocksdb-block-size-kb=16"))
                .hasMessageContaining("the name before ':'");
        assertThatThrownBy(() -> SettingsVariant.parseAll("--state-variant", List.of("a", "a:state.rocksdb-block-size-kb=16")))
                .hasMessageContaining("'a' is given twice");
    }

    @Test
    void theBenchSettingsNameABadVariantAmongTheirProblems() {
        assertThatThrownBy(() -> new BenchSettings(java.nio.file.Path.of("v"), "cpu", 1, 64, 5, 1, 1000, true, 1000, 50, 5, 1, 20,
                new double[] {0.5}, new double[0], new long[] {1000}, 100, 42, List.of("x:state.nope=1"), -1, List.of("model.top-kk=5"),
                List.of(java.nio.file.Path.of("v")), List.of("exact:model.search=exact"), List.of(java.nio.file.Path.of("a"),
                java.nio.file.Path.of("b")), new double[] {0, 0.5, 1}).validated())
                .hasMessageContaining("state.nope").hasMessageContaining("--state-managed-memory-mb")
                .hasMessageContaining("did you mean model.top-k?")
                .hasMessageContaining("--scaling-clicks: one log per --scaling-versions entry (1), got 2")
                .hasMessageContaining("--scaling-user-share must be in (0, 1], got 0.0")
                .hasMessageContaining("--scaling-user-share: one share, or one per --scaling-clicks log (2), got 3");
    }

    private static JobConfig benchConfig() {
        JobConfig config = JobConfig.isolatedRun("localhost:9092", "test", "run");
        config.model.registry = "registry";
        return config;
    }
}
