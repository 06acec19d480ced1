package io.nextitem.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.nextitem.avro.ClickEvent;
import io.nextitem.config.JobConfig;
import io.nextitem.sequence.ScoringRequest;
import io.nextitem.sequence.UserSequenceFunction;
import io.nextitem.testing.Clicks;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.state.rocksdb.PredefinedOptions;
import org.apache.flink.state.rocksdb.RocksDBConfigurableOptions;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The job's RocksDB settings reach the backend it builds, and the sequence state runs on it. */
class RocksDbTuningTest {
    private static EmbeddedRocksDBStateBackend backendFor(JobConfig config) {
        return new EmbeddedRocksDBStateBackend().configure(JobEnvironment.flinkConfiguration(config),
                RocksDbTuningTest.class.getClassLoader());
    }

    @Test
    void theProfileReachesTheBackendAndTheBloomFilterItsOptions() {
        JobConfig config = new JobConfig();
        assertThat(backendFor(config).getPredefinedOptions()).isEqualTo(PredefinedOptions.FLASH_SSD_OPTIMIZED);
        // Flink applies its configurable options (the bloom filter among them) to every column
        // family when the backend opens; the job's configuration must carry it.
        assertThat(JobEnvironment.flinkConfiguration(config).get(RocksDBConfigurableOptions.USE_BLOOM_FILTER)).isTrue();

        config.state.rocksdbBloomFilter = false;
        config.state.rocksdbProfile = "SPINNING_DISK_OPTIMIZED";
        assertThat(backendFor(config).getPredefinedOptions()).isEqualTo(PredefinedOptions.SPINNING_DISK_OPTIMIZED);
        assertThat(JobEnvironment.flinkConfiguration(config).get(RocksDBConfigurableOptions.USE_BLOOM_FILTER)).isFalse();
    }

    @Test
    void theSequenceStateRunsOnTheTunedBackend() throws Exception {
        var harness = new KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, ScoringRequest>(
                new KeyedProcessOperator<>(new UserSequenceFunction(new JobConfig().sequence)), ClickEvent::getUserId, Types.STRING);
        harness.setStateBackend(backendFor(new JobConfig()));
        harness.open();
        harness.processElement(Clicks.click("u", "a", Clicks.T0), Clicks.T0);
        harness.processElement(Clicks.click("u", "b", Clicks.T0 + 1), Clicks.T0 + 1);
        assertThat(harness.extractOutputValues().get(1).itemIds).containsExactly("a", "b");
        harness.close();
    }

    @Test
    void anUnknownProfileIsRefusedAtStart() {
        JobConfig config = new JobConfig();
        config.model.registry = "r";
        config.state.rocksdbProfile = "FAST";
        assertThat(config.validate()).anyMatch(e -> e.startsWith("state.rocksdb-profile is 'FAST'"));
    }
}
