package io.nextitem.tools.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The state stage's figures of a {@code state_<version>.json} as the Markdown table docs/scaling.md
 * shows (printed by {@code bench --state-table}, never typed): per user count and settings
 * variant, the state per user, the job's rate, Flink's own keyed-state latencies (the state's
 * cost apart from inference) and what the incremental checkpoints after the traffic upload.
 */
public final class StateScalingTable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private StateScalingTable() {}

    public static String markdown(Path stateFile) throws IOException {
        JsonNode sizes = JSON.readTree(stateFile.toFile()).path("state");
        if (!sizes.isArray() || sizes.isEmpty()) {
            throw new IllegalArgumentException(stateFile + " has no state stage figures (run bench --stages state)");
        }
        StringBuilder out = new StringBuilder("| users | variant | state B/user | seeding s | events/s | x first variant"
                + " | state get p50 / p99 us | state update p50 / p99 us | checkpoints after traffic, KB | RSS GiB |\n"
                + "|---|---|---|---|---|---|---|---|---|---|\n");
        for (JsonNode size : sizes) {
            // Files taken before the stage compared settings hold one run's figures on the size itself.
            JsonNode variants = size.path("variants").isArray() ? size.path("variants") : JSON.createArrayNode().add(size);
            double firstRate = variants.path(0).path("events_per_s").asDouble();
            for (JsonNode variant : variants) {
                JsonNode latency = variant.path("state_latency_us");
                double rate = variant.path("events_per_s").asDouble();
                out.append("| ").append(number(size.path("users").asDouble(), 0))
                        .append(" | ").append(variant.path("variant").asText("default"))
                        .append(" | ").append(number(size.path("state_bytes_per_user").asDouble(), 0))
                        .append(" | ").append(number(size.path("seed_seconds").asDouble(), 0))
                        .append(" | ").append(number(rate, 0))
                        .append(" | ").append(firstRate > 0 ? number(rate / firstRate, 2) : "-")
                        .append(" | ").append(pair(latency, "valueStateGetLatency"))
                        .append(" | ").append(pair(latency, "valueStateUpdateLatency"))
                        .append(" | ").append(checkpoints(variant.path("checkpoints_after_traffic")))
                        .append(" | ").append(number(variant.path("jvm_rss_gib").asDouble(), 2))
                        .append(" |\n");
            }
        }
        return out.toString();
    }

    private static String pair(JsonNode latency, String metric) {
        JsonNode median = latency.path(metric + "_median");
        JsonNode p99 = latency.path(metric + "_p99");
        return (median.isNumber() ? number(median.asDouble(), 1) : "-") + " / " + (p99.isNumber() ? number(p99.asDouble(), 1) : "-");
    }

    /** Each checkpoint's uploaded size, comma-separated: a compaction shows as the one large upload. */
    private static String checkpoints(JsonNode completed) {
        StringBuilder out = new StringBuilder();
        for (JsonNode checkpoint : completed) {
            out.append(out.isEmpty() ? "" : ", ").append(number(checkpoint.path("checkpointed_size_bytes").asDouble() / 1024.0, 0));
        }
        return out.isEmpty() ? "-" : out.toString();
    }

    private static String number(double value, int decimals) {
        return String.format(Locale.ROOT, "%,." + decimals + "f", value);
    }
}
