package io.nextitem.tools.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Completed checkpoints of a running job from Flink's REST API (the dashboard's Checkpoints
 * tab): full state size, what this checkpoint uploaded (incremental), end-to-end duration.
 */
final class CheckpointStats {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** One completed checkpoint; sizes in bytes. */
    record Completed(long id, long stateSizeBytes, long checkpointedSizeBytes, long durationMillis) {
        Map<String, Object> describe() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("id", id);
            out.put("state_size_bytes", stateSizeBytes);
            out.put("checkpointed_size_bytes", checkpointedSizeBytes);
            out.put("end_to_end_duration_ms", durationMillis);
            return out;
        }
    }

    private CheckpointStats() {}

    /** Completed checkpoints the REST history still holds, oldest first. */
    static List<Completed> completed(int restPort, String jobId) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(
                URI.create("http://localhost:" + restPort + "/jobs/" + jobId + "/checkpoints")).GET().build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("checkpoint statistics: HTTP " + response.statusCode() + ": " + response.body());
        }
        List<Completed> out = new ArrayList<>();
        for (JsonNode entry : JSON.readTree(response.body()).path("history")) {
            if ("COMPLETED".equals(entry.path("status").asText())) {
                out.add(new Completed(entry.path("id").asLong(), entry.path("state_size").asLong(),
                        entry.path("checkpointed_size").asLong(), entry.path("end_to_end_duration").asLong()));
            }
        }
        out.sort(Comparator.comparingLong(Completed::id));
        return out;
    }

    static long newestId(int restPort, String jobId) throws IOException, InterruptedException {
        return completed(restPort, jobId).stream().mapToLong(Completed::id).max().orElse(0);
    }

    /** Waits until {@code count} checkpoints completed after checkpoint {@code afterId}; returns them. */
    static List<Completed> awaitAfter(int restPort, String jobId, long afterId, int count, Duration timeout)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<Completed> after = completed(restPort, jobId).stream().filter(c -> c.id() > afterId).toList();
            if (after.size() >= count) {
                return after.subList(0, count);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + after.size() + " of " + count + " checkpoints completed within "
                        + timeout.toSeconds() + " s");
            }
            Thread.sleep(200);
        }
    }
}
