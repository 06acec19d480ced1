package io.nextitem.tools.soak;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The CI soak: the job jar on the standalone cluster for 2 minutes with snapshots, `trainer
 * finetune --watch` and users churning under a 1-minute TTL, exactly as `soak --scale ci` runs it.
 * Every click gets exactly one list, every malformed record one dead letter, and soak.json holds
 * a slope per hour for each figure an operator watches.
 */
class SoakITCase {
    private static final List<String> WATCHED = List.of("taskmanager-1.rss_mib", "taskmanager-2.rss_mib",
            "taskmanager-1.heap_after_gc_mib", "taskmanager-2.heap_after_gc_mib", "jobmanager.rss_mib", "rocksdb_mib",
            "checkpoint_state_mib", "checkpoint_duration_ms", "consumer_lag_records", "dead_letters");

    @Test
    void twoMinutesOnTheClusterLoseAndDoubleNothing() throws Exception {
        Path out = Files.createDirectories(Path.of("target", "soak")).resolve("soak.json");
        Files.deleteIfExists(out);
        Map<String, Object> result = new SoakRun(SoakSettings.ci(42), System.out).run(out, "the ci scale's fixed rate");
        String said = "soak.json without its samples: " + new java.util.TreeMap<>(result).headMap("samples")
                + new java.util.TreeMap<>(result).tailMap("samples", false);
        JsonNode soak = new ObjectMapper().readTree(out.toFile());
        assertThat(soak.path("minutes").asInt()).as(said).isEqualTo(SoakSettings.ci(42).minutes());
        assertThat(soak.path("clicks").asLong()).as("clicks at 300/s for 2 minutes").isGreaterThan(27_000);
        assertThat(soak.path("lost").asLong()).as(said).isZero();
        assertThat(soak.path("duplicated").asLong()).as(said).isZero();
        assertThat(soak.path("dead_letters").asLong()).as("one dead letter per malformed record")
                .isEqualTo(soak.path("malformed_sent").asLong()).isPositive();
        assertThat(soak.path("recoveries").asInt()).as("the job never restarted").isZero();
        for (String series : WATCHED) {
            assertThat(soak.path("series").path(series).path("slope_per_hour").isNumber())
                    .as("soak.json has a slope for %s", series).isTrue();
        }
        assertThat(soak.path("samples").size()).as("a sample every 15 s, and one after the drain").isGreaterThanOrEqualTo(8);
        assertThat(result.get("passed")).isEqualTo(true);
        assertThat(out.resolveSibling("soak.svg")).content().contains("<polyline").contains("consumer_lag_records");
    }
}
