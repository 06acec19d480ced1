package io.nextitem.tools.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Keyed-state access latencies of a running job from Flink's REST API, as Flink's own state
 * latency tracking measures them ({@code state.latency-track.keyed-state-enabled}): the time of
 * the user-sequence reads and writes alone, apart from inference, which dominates the job's
 * events/s at small catalogues and hides what the state costs. Histograms arrive as
 * {@code <name>_p99} and so on; values are nanoseconds, reported here in microseconds.
 */
final class StateLatencyStats {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final List<String> KEPT = List.of("_median", "_p99");

    private StateLatencyStats() {}

    /** {metric name without subtask and operator prefix + quantile: microseconds}, averaged over subtasks. */
    static Map<String, Double> micros(int restPort, String jobId) throws IOException, InterruptedException {
        Map<String, Double> out = new TreeMap<>();
        for (JsonNode vertex : get(restPort, "/jobs/" + jobId).path("vertices")) {
            String base = "/jobs/" + jobId + "/vertices/" + vertex.path("id").asText() + "/subtasks/metrics";
            List<String> wanted = new ArrayList<>();
            for (JsonNode metric : listed(restPort, base)) {
                String id = metric.path("id").asText();
                if (id.contains("StateGetLatency") || id.contains("StateUpdateLatency")) {
                    if (KEPT.stream().anyMatch(id::endsWith)) {
                        wanted.add(id);
                    }
                }
            }
            if (wanted.isEmpty()) {
                continue;
            }
            String query = URLEncoder.encode(String.join(",", wanted), StandardCharsets.UTF_8);
            for (JsonNode metric : get(restPort, base + "?get=" + query + "&agg=avg")) {
                String id = metric.path("id").asText();
                String shortName = id.substring(id.lastIndexOf('.') + 1);
                out.merge(shortName, ThroughputStage.round(metric.path("avg").asDouble() / 1000.0), Math::max);
            }
        }
        return out;
    }

    /**
     * The REST API fetches metrics from the task managers in the background (every
     * metrics.fetcher.update-interval, 10 s by default) and answers an empty list until the first
     * fetch arrived: ask again for a while.
     */
    private static JsonNode listed(int restPort, String path) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        JsonNode metrics = get(restPort, path);
        while (metrics.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(500);
            metrics = get(restPort, path);
        }
        return metrics;
    }

    private static JsonNode get(int restPort, String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + restPort + path)).GET().build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(path + ": HTTP " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }
}
