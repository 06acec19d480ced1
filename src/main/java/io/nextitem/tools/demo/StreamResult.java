package io.nextitem.tools.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.nextitem.config.JobConfig;
import io.nextitem.eval.LiveQuality;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The streaming protocol's result file (the streaming protocol): prequential figures over a replay. */
final class StreamResult {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private StreamResult() {}

    /** @param modelUpdates every decision on model.updates-topic during the replay; null when the job reads none */
    static void write(Path file, PrequentialEvaluator judge, int replayed, long received, double seconds, JobConfig config,
                      DemoRunner.Options options, List<Map<String, Object>> modelUpdates) throws IOException {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("protocol", "stream");
        result.put("metrics", figures(judge.hitRate(), judge.ndcg(), judge.judged()));
        Map<String, Object> perVersion = new LinkedHashMap<>();
        for (Map.Entry<String, LiveQuality> e : judge.byVersion().entrySet()) {
            perVersion.put(e.getKey(), figures(e.getValue().hitRate(), e.getValue().ndcg(), e.getValue().judged()));
        }
        result.put("per_model_version", perVersion);
        if (!judge.byCanary().isEmpty()) {
            Map<String, Object> perCanary = new LinkedHashMap<>();
            judge.byCanary().forEach((candidate, arms) -> {
                Map<String, Object> perArm = new LinkedHashMap<>();
                arms.forEach((arm, q) -> perArm.put(arm, figures(q.hitRate(), q.ndcg(), q.judged())));
                perCanary.put(candidate, perArm);
            });
            result.put("per_canary", perCanary); // lists judged from outside the job, per arm of each trial
        }
        if (modelUpdates != null) {
            result.put("model_updates", modelUpdates);
        }
        result.put("replay", options.replayed());
        result.put("clicks_replayed", replayed);
        result.put("recommendations_received", received);
        result.put("wall_seconds", Math.round(seconds * 10) / 10.0);
        result.put("loop", options.snapshots() == null ? "static (no snapshots)"
                : "snapshots every " + options.snapshotIntervalMinutes() + " event-time minutes; versions hot-swapped");
        result.put("job_settings", options.settings()); // demo --set, e.g. a canary policy
        result.put("delivery", "exactly-once Kafka output, read_committed, checkpoint every " + config.checkpoint.intervalMs + " ms");
        result.put("judging", "a user's list is judged by the same user's next click; HR@10, NDCG@10");
        result.put("machine", io.nextitem.tools.bench.MachineFacts.describe());
        result.put("commit", io.nextitem.tools.bench.MachineFacts.commit());
        result.put("taken_at", Instant.now().toString());
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        Files.writeString(file, JSON.writeValueAsString(result) + "\n");
    }

    private static Map<String, Object> figures(double hitRate, double ndcg, long judged) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("HR@10", Math.round(hitRate * 10_000) / 10_000.0);
        out.put("NDCG@10", Math.round(ndcg * 10_000) / 10_000.0);
        out.put("judged", judged);
        return out;
    }
}
