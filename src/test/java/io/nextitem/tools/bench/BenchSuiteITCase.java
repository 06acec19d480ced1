package io.nextitem.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nextitem.testing.TestModels;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bench command's every stage on a tiny stream: that it runs the real job in both delivery
 * modes and writes complete result files. It asserts what was measured exists and is consistent,
 * never how fast anything was (benchmarks are commands, not timed tests).
 */
class BenchSuiteITCase {
    @TempDir
    Path out;

    @Test
    void latencyAtStatedRatesWarmsUpFirstAndNeedsNoJobStage() throws Exception {
        Path version = TestModels.versionIn(TestModels.ROOT.resolve("sasrec"));
        BenchSettings settings = new BenchSettings(version, "cpu", 1, 16, 5, 1, 500, false, 20, 5, 1, 1, 2,
                new double[] {0.5}, new double[] {200}, new long[] {300}, 200, 7).validated();
        BenchSuite.run(settings, java.util.Set.of("latency"), out, new PrintStream(new ByteArrayOutputStream(), true));

        JsonNode file = new ObjectMapper().readTree(
                Files.readString(out.resolve("bench_" + version.getFileName() + ".json")));
        assertThat(file.get("latency_warmup").get("lists_measured").asInt()).as("an uncounted warm-up point ran").isPositive();
        assertThat(file.get("latency")).hasSize(2); // the one stated rate, both delivery modes
        for (JsonNode point : file.get("latency")) {
            assertThat(point.get("offered_events_per_s").asDouble()).isEqualTo(200.0);
            assertThat(point.has("load_fraction")).as("a stated rate is no fraction of a job rate").isFalse();
        }
        assertThat(file.get("settings").get("checkpoint_changelog").asBoolean()).isFalse();
    }

    @Test
    void everyStageRunsAndTheSummaryHoldsEveryHeadlineFigure() throws Exception {
        Path version = TestModels.versionIn(TestModels.ROOT.resolve("sasrec"));
        // Two state settings side by side; scaling compares the exact graph with approximate search
        // through an index of the same version, searched deep enough (ef 400 of 480 items) to find
        // the exact lists.
        Path indexed = io.nextitem.testing.VersionFixtures.publish(version, Files.createDirectories(out.resolve("scaling")),
                "sasrec-indexed", "2026-01-01T00:00:00Z", staged -> {
                    try {
                        io.nextitem.ann.VersionIndexer.index(staged, io.nextitem.ann.HnswParameters.DEFAULT, line -> { });
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
        BenchSettings settings = new BenchSettings(version, "cpu", 1, 16, 5, 1, 500, true, 20, 5, 1, 1, 2,
                new double[] {0.5}, new double[0], new long[] {300}, 200, 7,
                java.util.List.of("default", "partitioned:state.rocksdb-partitioned-index-filters=true"), 64,
                java.util.List.of(), java.util.List.of(indexed),
                java.util.List.of("exact:model.search=exact", "approximate:model.search=approximate,model.search-ef=400"),
                java.util.List.of(), new double[] {1.0})
                .validated();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Map<String, Object> result = BenchSuite.run(settings, BenchSuite.STAGES, out, new PrintStream(log, true));

        JsonNode summary = new ObjectMapper().readTree(Files.readString(out.resolve("summary.json")));
        for (String figure : new String[] {"ceiling_events_per_s", "job_events_per_s", "per_event_job_events_per_s",
                "job_to_ceiling", "batched_to_per_event", "p99_inference_latency_ms_at_50pct"}) {
            assertThat(summary.get(figure).isNumber()).as(figure).isTrue();
            assertThat(summary.get(figure).asDouble()).as(figure).isPositive();
        }
        assertThat(summary.get("provider").asText()).isEqualTo("CPU");
        assertThat(summary.get("cores").asInt()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(summary.get("job_to_ceiling").asDouble()).isCloseTo(
                summary.get("job_events_per_s").asDouble() / summary.get("ceiling_events_per_s").asDouble(),
                org.assertj.core.data.Offset.offset(1e-3));

        JsonNode file = new ObjectMapper().readTree(
                Files.readString(out.resolve("bench_" + version.getFileName() + ".json")));
        assertThat(file.get("latency")).hasSize(2); // one load point, both delivery modes
        for (JsonNode point : file.get("latency")) {
            assertThat(point.get("lists_measured").asInt()).isPositive();
            // A list is seen after the job emitted it: visibility never undercuts the inference path.
            assertThat(point.get("visibility_ms_p50").asDouble())
                    .isGreaterThanOrEqualTo(point.get("inference_path_ms_p50").asDouble());
        }
        assertThat(file.get("job").get("events_per_s_runs")).hasSize(1);
        assertThat(file.get("job").get("warmup_events_per_s_runs")).hasSize(1);
        assertThat(result).containsKey("summary");

        // State: 300 users seeded with full sequences, restored, answered, checkpointed again.
        JsonNode state = file.get("state").get(0);
        assertThat(state.get("users").asLong()).isEqualTo(300);
        assertThat(state.get("checkpoints_after_traffic")).hasSize(3);
        // Every seeded entry holds a 36-character event id: the state cannot be smaller than that.
        assertThat(state.get("state_bytes_per_user").asDouble())
                .isGreaterThan(36.0 * state.get("sequence_length").asInt() * 0.5);
        assertThat(summary.get("users_max").asLong()).isEqualTo(300);
        assertThat(summary.get("state_bytes_per_user").asDouble()).isEqualTo(state.get("state_bytes_per_user").asDouble());
        assertThat(state.get("variants")).extracting(v -> v.get("variant").asText()).containsExactly("default", "partitioned");
        for (JsonNode variant : state.get("variants")) {
            assertThat(variant.get("events_per_s").asDouble()).isPositive();
            assertThat(variant.get("state_latency_us").get("valueStateGetLatency_p99").asDouble())
                    .as("Flink's state latency tracking reported the user-sequence reads").isPositive();
        }

        // Scaling: one catalogue, exact and approximate; the index finds the exact lists here.
        JsonNode catalogue = file.get("scaling").get("catalogues").get(0);
        assertThat(catalogue.get("num_items").asInt()).isPositive();
        assertThat(catalogue.get("index").get("build_seconds").isNumber()).as("the index's own record").isTrue();
        assertThat(catalogue.get("index_bytes_per_item").asDouble()).isPositive();
        JsonNode perEvent = catalogue.get("variants").get(1);
        assertThat(perEvent.get("variant").asText()).isEqualTo("approximate");
        assertThat(perEvent.get("recall_at_10").asDouble()).isEqualTo(1.0);
        int rounds = io.nextitem.model.ModelVersion.load(version).manifest().maxSeqLen() + 5; // fill + measured
        assertThat(perEvent.get("recall_lists_compared").asInt()).as("every click of 20 users").isEqualTo(20 * rounds);
        JsonNode rows = summary.get("catalogue_scaling").get("rows");
        assertThat(rows).hasSize(2);
        assertThat(rows.get(1).get("p99_inference_ms_at_half_rate_at_least_once").asDouble()).isPositive();
    }
}
