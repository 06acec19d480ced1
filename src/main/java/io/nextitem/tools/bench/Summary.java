package io.nextitem.tools.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The headline of a bench run (summary.json): the figures the performance protocol names, with the
 * ratios it compares and what they were taken with. A figure the run did not measure is null,
 * never a default.
 */
final class Summary {
    private Summary() {}

    @SuppressWarnings("unchecked")
    static Map<String, Object> of(Map<String, Object> result, Double ceiling, Double job, Double perEvent,
                                  BenchSettings settings) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("model", result.get("model"));
        out.put("model_version", result.get("model_version"));
        out.put("num_items", result.get("num_items"));
        out.put("max_seq_len", result.get("max_seq_len"));
        out.put("cores", ((Map<String, Object>) result.get("machine")).get("cores"));
        out.put("provider", result.get("provider"));
        out.put("intra_op_threads", settings.intraOpThreads());
        out.put("batch_max_size", settings.batchMaxSize());
        out.put("batch_max_delay_ms", settings.batchMaxDelayMs());
        out.put("delivery", "exactly-once (throughput); both modes for latency");
        out.put("checkpoint_interval_ms", settings.checkpointIntervalMs());
        // The latency tail depends on it (log-based checkpoints take the RocksDB flush off the task thread).
        out.put("checkpoint_changelog", settings.changelog());
        out.put("ceiling_events_per_s", ceiling);
        // What ONNX Runtime alone gains from batching bounds what the job can gain over per-event inference.
        out.put("ceiling_batch_1_events_per_s", ceilingAtBatchOne(result));
        out.put("job_events_per_s", job);
        out.put("per_event_job_events_per_s", perEvent);
        out.put("job_to_ceiling", ratio(job, ceiling));
        out.put("batched_to_per_event", ratio(job, perEvent));
        List<Map<String, Object>> latency = (List<Map<String, Object>>) result.get("latency");
        out.put("p99_inference_latency_ms_at_50pct", latencyAt(latency, 0.5, "at-least-once", "inference_path_ms_p99"));
        out.put("p99_visibility_latency_ms_at_50pct_exactly_once",
                latencyAt(latency, 0.5, "exactly-once", "visibility_ms_p99"));
        out.put("users_in_throughput_stream", settings.users());
        List<Map<String, Object>> state = (List<Map<String, Object>>) result.get("state");
        Map<String, Object> largest = state == null ? null : state.stream()
                .max(java.util.Comparator.comparingLong(s -> ((Number) s.get("users")).longValue())).orElse(null);
        out.put("users_max", largest == null ? null : largest.get("users"));
        out.put("state_bytes_per_user", largest == null ? null : largest.get("state_bytes_per_user"));
        // The local task manager runs inside the bench JVM: its resident memory bounds the TM's.
        out.put("tm_rss_gib_at_max_users", largest == null ? null : largest.get("jvm_rss_gib"));
        out.put("job_events_per_s_at_max_users", largest == null ? null : largest.get("events_per_s"));
        out.put("catalogue_scaling", catalogueScaling((Map<String, Object>) result.get("scaling"),
                (String) result.get("commit"), (String) result.get("taken_at")));
        out.put("commit", result.get("commit"));
        out.put("taken_at", result.get("taken_at"));
        return out;
    }

    /**
     * One row per catalogue and search variant of the scaling stage: what the acceptance ratios are
     * taken from (events/s exactly-once, p99 at-least-once at half that rate, recall@10 against the
     * reference variant, index build time and bytes per item). Null when the stage did not run.
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> catalogueScaling(Map<String, Object> scaling, String commit, String takenAt) {
        if (scaling == null) {
            return null;
        }
        List<Map<String, Object>> rows = new java.util.ArrayList<>();
        for (Map<String, Object> catalogue : (List<Map<String, Object>>) scaling.get("catalogues")) {
            Map<String, Object> index = (Map<String, Object>) catalogue.get("index");
            for (Map<String, Object> variant : (List<Map<String, Object>>) catalogue.get("variants")) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("num_items", catalogue.get("num_items"));
                row.put("version", catalogue.get("version"));
                row.put("variant", variant.get("variant"));
                if (variant.get("search") != null) {
                    row.put("search", variant.get("search"));
                }
                row.put("events_per_s", variant.get("events_per_s_median"));
                row.put("p99_inference_ms_at_half_rate_at_least_once",
                        ((Map<String, Object>) variant.get("latency_at_half_rate")).get("inference_path_ms_p99"));
                row.put("recall_at_10", variant.get("recall_at_10"));
                row.put("index_build_seconds", index == null ? null : index.get("build_seconds"));
                row.put("index_bytes_per_item", catalogue.get("index_bytes_per_item"));
                row.put("item_vectors_bytes_per_item", catalogue.get("item_vectors_bytes_per_item"));
                rows.add(row);
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("reference_variant", scaling.get("reference_variant"));
        out.put("delivery", scaling.get("delivery"));
        out.put("rows", rows);
        out.put("commit", commit);
        out.put("taken_at", takenAt);
        return out;
    }

    /** The headline with the state figures of a later state-only run of the same version, and when they were taken. */
    static Map<String, Object> withState(Map<String, Object> headline, Map<String, Object> stateRun) {
        Map<String, Object> out = new LinkedHashMap<>(headline);
        for (String key : List.of("users_max", "state_bytes_per_user", "tm_rss_gib_at_max_users",
                "job_events_per_s_at_max_users")) {
            out.put(key, stateRun.get(key));
        }
        out.put("state_commit", stateRun.get("commit"));
        out.put("state_taken_at", stateRun.get("taken_at"));
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Double ceilingAtBatchOne(Map<String, Object> result) {
        Map<String, Object> ceiling = (Map<String, Object>) result.get("ceiling");
        if (ceiling == null) {
            return null;
        }
        return BenchSuite.requestsPerSecondAt((List<Map<String, Object>>) ceiling.get("timings"), 1);
    }

    private static Double ratio(Double a, Double b) {
        return a == null || b == null || b == 0 ? null : Math.round(a / b * 1000.0) / 1000.0;
    }

    private static Object latencyAt(List<Map<String, Object>> points, double fraction, String delivery, String key) {
        if (points == null) {
            return null;
        }
        return points.stream()
                .filter(p -> p.get("delivery").equals(delivery) && p.get("load_fraction") instanceof Double f
                        && Math.abs(f - fraction) < 1e-9)
                .map(p -> p.get(key)).findFirst().orElse(null);
    }
}
