package io.nextitem.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How bench turns what it saw into figures: hand-made observations, hand-computed answers. */
class BenchFiguresTest {

    private static RecommendationProbe.Seen seen(String id, long event, long emit, long received) {
        return new RecommendationProbe.Seen(id, event, emit, received);
    }

    @Test
    void steadyRateCountsListsAfterTheFillOverTheirEmitTimes() {
        List<RecommendationProbe.Seen> lists = new ArrayList<>();
        // 100 fill lists all at t=0 (a startup burst), then 1,000 lists 2 ms apart: 500 lists/s.
        for (int i = 0; i < 100; i++) {
            lists.add(seen("f" + i, 0, 0, 0));
        }
        for (int i = 0; i < 1000; i++) {
            lists.add(seen("m" + i, 0, 10_000 + 2L * i, 0));
        }
        // The burst is excluded: the window starts at list 100, not at t=0.
        assertThat(ThroughputStage.steadyRate(lists, 100)).isCloseTo(500.0, org.assertj.core.data.Offset.offset(1.0));
    }

    @Test
    void latencyPercentilesAreNearestRankOverThePacedListsAfterTheSettleTime() {
        List<RecommendationProbe.Seen> lists = new ArrayList<>();
        lists.add(seen("fill-1", 0, 5_000, 9_000)); // fill: never counted
        lists.add(seen("paced-0", 500, 900, 900));   // before the settle instant: dropped
        for (int i = 1; i <= 100; i++) {             // inference path i ms, visibility 10*i ms
            lists.add(seen("paced-" + i, 1_000, 1_000 + i, 1_000 + 10L * i));
        }
        Map<String, Object> out = LatencyStage.summarize(lists, 1_000, true, 200.0);
        assertThat(out).containsEntry("lists_measured", 100)
                .containsEntry("inference_path_ms_p50", 50.0)
                .containsEntry("inference_path_ms_p99", 99.0)
                .containsEntry("visibility_ms_p95", 950.0)
                .containsEntry("inference_path_ms_max", 100.0)
                .containsEntry("delivery", "exactly-once");
    }

    @Test
    void latencyPerSecondTellsASlowSecondFromAnEvenTail() {
        List<RecommendationProbe.Seen> lists = new ArrayList<>();
        // Second 0: 100 lists at 5 ms. Second 1: none. Second 2: 99 at 5 ms and one at 300 ms.
        for (int i = 0; i < 100; i++) {
            lists.add(seen("paced-a" + i, 1_000 + i, 1_005 + i, 0));
            lists.add(seen("paced-c" + i, 3_000 + i, 3_000 + i + (i == 99 ? 300 : 5), 0));
        }
        Map<String, Object> out = LatencyStage.summarize(lists, 1_000, false, 100.0);
        assertThat(out.get("inference_path_ms_p99_per_second")).isEqualTo(java.util.Arrays.asList(5.0, null, 5.0));
        lists.add(seen("paced-c100", 3_500, 3_800, 0)); // now 2 of 101 in second 2 are slow: its p99 is one
        out = LatencyStage.summarize(lists, 1_000, false, 100.0);
        assertThat(out.get("inference_path_ms_p99_per_second")).isEqualTo(java.util.Arrays.asList(5.0, null, 300.0));
    }

    @Test
    void latencyWithNothingMeasuredIsNullNotZero() {
        Map<String, Object> out = LatencyStage.summarize(List.of(seen("fill-1", 0, 1, 1)), 0, false, 10.0);
        assertThat(out.get("inference_path_ms_p99")).isNull();
        assertThat(out).containsEntry("lists_measured", 0);
    }

    @Test
    void theSummaryHoldsTheRatiosAndLeavesUnmeasuredFiguresNull() {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("model", "sasrec");
        result.put("machine", Map.of("cores", 2));
        result.put("provider", "CPU");
        Map<String, Object> atHalfLoad = new LinkedHashMap<>(Map.of("delivery", "at-least-once", "load_fraction", 0.5,
                "inference_path_ms_p99", 12.0));
        // A point taken at a stated rate (--latency-rates) is no fraction of the job's maximum: not the headline's.
        Map<String, Object> atARate = new LinkedHashMap<>(Map.of("delivery", "at-least-once", "offered_events_per_s", 3000.0,
                "inference_path_ms_p99", 99.0));
        result.put("latency", List.of(atARate, atHalfLoad));
        result.put("ceiling", Map.of("timings", List.of(Map.of("batch_size", 1, "requests_per_second_median", 3100.0),
                Map.of("batch_size", 64, "requests_per_second_median", 8000.0))));
        Map<String, Object> summary = Summary.of(result, 8000.0, 6000.0, 2000.0, settings());
        assertThat(summary).containsEntry("ceiling_batch_1_events_per_s", 3100.0)
                .containsEntry("checkpoint_changelog", settings().changelog())
                .containsEntry("checkpoint_interval_ms", settings().checkpointIntervalMs());
        assertThat(summary).containsEntry("job_to_ceiling", 0.75)
                .containsEntry("batched_to_per_event", 3.0)
                .containsEntry("p99_inference_latency_ms_at_50pct", 12.0)
                .containsEntry("cores", 2)
                .containsEntry("provider", "CPU");
        assertThat(summary.get("state_bytes_per_user")).isNull();
        assertThat(summary).containsEntry("users_in_throughput_stream", 1000);
        assertThat(summary.get("users_max")).isNull(); // no state stage in this result
        result.put("state", List.of(Map.of("users", 1000L, "state_bytes_per_user", 900.0, "jvm_rss_gib", 1.5, "events_per_s", 10.0),
                Map.of("users", 1_000_000L, "state_bytes_per_user", 800.0, "jvm_rss_gib", 3.0, "events_per_s", 9.0)));
        // The largest state size is the headline's, whatever the order the stage ran them in.
        assertThat(Summary.of(result, 8000.0, 6000.0, 2000.0, settings())).containsEntry("users_max", 1_000_000L)
                .containsEntry("state_bytes_per_user", 800.0).containsEntry("tm_rss_gib_at_max_users", 3.0);
        assertThat(Summary.of(result, null, 6000.0, null, settings()).get("job_to_ceiling")).isNull();
        result.remove("ceiling");
        assertThat(Summary.of(result, null, 6000.0, null, settings()).get("ceiling_batch_1_events_per_s")).isNull();
    }

    @Test
    void aStateOnlyRunFillsTheStateFiguresOfTheHeadlineAndSaysWhen() {
        Map<String, Object> headline = new LinkedHashMap<>(Map.of("job_events_per_s", 7000.0, "users_max", "x"));
        headline.put("state_bytes_per_user", null);
        Map<String, Object> stateRun = new LinkedHashMap<>(Map.of("users_max", 1_000_000L, "state_bytes_per_user", 950.0,
                "tm_rss_gib_at_max_users", 2.5, "job_events_per_s_at_max_users", 3000.0, "commit", "abc",
                "taken_at", "2026-12-01T12:00:00Z", "job_events_per_s", 1.0));
        Map<String, Object> merged = Summary.withState(headline, stateRun);
        assertThat(merged).containsEntry("job_events_per_s", 7000.0) // the headline's own figures stay
                .containsEntry("users_max", 1_000_000L).containsEntry("state_bytes_per_user", 950.0)
                .containsEntry("state_commit", "abc").containsEntry("state_taken_at", "2026-12-01T12:00:00Z");
    }

    @Test
    void settingsOutOfRangeAreNamedTogether() {
        assertThatThrownBy(() -> new BenchSettings(Path.of("v"), "tpu", 0, 64, 5, 1, 1000, true, 10, 10, 1, -1, 5,
                new double[] {1.5}, new double[] {-1}, new long[] {0}, 100, 1).validated())
                .hasMessageContaining("--provider").hasMessageContaining("--threads")
                .hasMessageContaining("--load-fractions").hasMessageContaining("--latency-rates").hasMessageContaining("--state-users")
                .hasMessageContaining("--warmup-runs");
        assertThat(settings().validated()).isNotNull();
    }

    @Test
    void theJobUnderBenchKeepsAsManyClicksPerUserAsTheModelReads() {
        var config = BenchJobRunner.config("localhost:9092", Path.of("registry"), Path.of("work"), "clicks", settings(),
                200, 64, false);
        assertThat(config.sequence.maxLength).isEqualTo(200);
        assertThat(config.model.batchMaxSize).isEqualTo(64);
        assertThat(config.kafka.exactlyOnce()).isFalse();
    }

    private static BenchSettings settings() {
        return new BenchSettings(Path.of("v"), "cpu", 1, 64, 5, 1, 1000, true, 1000, 50, 5, 1, 20, new double[] {0.5}, new double[0], new long[] {1000}, 100, 42);
    }

    @Test
    void aLatencyRunOverALogPacesItsClicksInOrderAtTheWallClockAndRoundsAgain() {
        List<io.nextitem.avro.ClickEvent> log = List.of(BenchClicks.click("csv-2", "u1", "item-7", 946_684_801_000L),
                BenchClicks.click("csv-3", "u2", "item-9", 946_684_802_000L));
        java.util.Random unused = new java.util.Random(0);
        List<io.nextitem.avro.ClickEvent> paced = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            paced.add(LatencyStage.pacedClick(i, log, unused, 1000, null, 5_000L + i));
        }
        assertThat(paced).extracting(c -> c.getUserId() + " " + c.getItemId()).containsExactly("u1 item-7", "u2 item-9", "u1 item-7");
        assertThat(paced).extracting(io.nextitem.avro.ClickEvent::getEventId).containsExactly("paced-0", "paced-1", "paced-2");
        assertThat(paced).extracting(io.nextitem.avro.ClickEvent::getEventTimeMillis).containsExactly(5_000L, 5_001L, 5_002L);
    }

    @Test
    void aLatencyRunOverALogWarmsTheJobUpOnItsFirstClicksUnderTheirOwnIds() {
        List<io.nextitem.avro.ClickEvent> log = List.of(BenchClicks.click("csv-2", "u1", "item-7", 946_684_801_000L),
                BenchClicks.click("csv-3", "u2", "item-9", 946_684_802_000L));
        List<io.nextitem.avro.ClickEvent> warm = LatencyStage.warmClicks(log, 1_000L);
        assertThat(warm).extracting(c -> c.getEventId() + " " + c.getUserId() + " " + c.getItemId() + " " + c.getEventTimeMillis())
                .containsExactly("fill-0 u1 item-7 1000", "fill-1 u2 item-9 1001");
    }
}
