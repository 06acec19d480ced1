package io.nextitem.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The state table shows every variant of every user count, its rate against the first variant's. */
class StateScalingTableTest {
    @TempDir
    Path tmp;

    @Test
    void eachVariantIsARowWithItsRateAgainstTheFirstOfItsSize() throws Exception {
        Path file = tmp.resolve("state_v.json");
        Files.writeString(file, """
                {"state": [{"users": 10000000, "state_bytes_per_user": 929.4, "seed_seconds": 512.3, "variants": [
                  {"variant": "default", "events_per_s": 2000.0, "jvm_rss_gib": 3.456,
                   "state_latency_us": {"valueStateGetLatency_median": 12.34, "valueStateGetLatency_p99": 250.0,
                                        "valueStateUpdateLatency_median": 3.0, "valueStateUpdateLatency_p99": 40.0},
                   "checkpoints_after_traffic": [{"checkpointed_size_bytes": 58368}, {"checkpointed_size_bytes": 18874368}]},
                  {"variant": "partitioned", "events_per_s": 2500.0, "jvm_rss_gib": 3.0, "state_latency_us": {},
                   "checkpoints_after_traffic": []}]}]}
                """);
        assertThat(StateScalingTable.markdown(file)).isEqualTo("""
                | users | variant | state B/user | seeding s | events/s | x first variant | state get p50 / p99 us | state update p50 / p99 us | checkpoints after traffic, KB | RSS GiB |
                |---|---|---|---|---|---|---|---|---|---|
                | 10,000,000 | default | 929 | 512 | 2,000 | 1.00 | 12.3 / 250.0 | 3.0 / 40.0 | 57, 18,432 | 3.46 |
                | 10,000,000 | partitioned | 929 | 512 | 2,500 | 1.25 | - / - | - / - | - | 3.00 |
                """);
    }

    @Test
    void aFileWithoutStateFiguresIsRefusedWithWhatToRun() throws Exception {
        Path file = Files.writeString(tmp.resolve("bench_v.json"), "{\"job\": {}}");
        assertThatThrownBy(() -> StateScalingTable.markdown(file)).hasMessageContaining("run bench --stages state");
    }
}
