package io.nextitem.tools.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The docs' table of a reliability run, printed from its result file ({@code reliability
 * --print-table FILE}), so that the figures in the docs are the file's and cannot drift from it
 * (DocsFiguresTest compares them).
 */
public final class ReliabilityTable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ReliabilityTable() {}

    public static String markdown(Path resultFile) throws IOException {
        JsonNode result = JSON.readTree(resultFile.toFile());
        List<String> lines = new ArrayList<>();
        lines.add("| scenario | fault | events | recoveries | lost | duplicated | out of order | sequences wrong / users "
                + "| dead letters / malformed | fenced-producer log lines | longest read_committed stall, s | recovery, s "
                + "| ONNX Runtime copies written | s |");
        lines.add("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (JsonNode row : result.path("scenarios")) {
            lines.add(String.join(" | ", List.of("| " + row.path("scenario").asText(), row.path("fault").asText("-"),
                    count(row, "events"), count(row, "recoveries"), count(row, "lost"), count(row, "duplicated"),
                    count(row, "users_out_of_order"), count(row, "sequences_mismatched") + " / " + count(row, "users_in_state"),
                    count(row, "dead_letters") + " / " + count(row, "malformed"),
                    row.path("fenced_producer_log_lines").isNumber() ? count(row, "fenced_producer_log_lines") : "-",
                    row.path("read_committed_output_stall_seconds").isNumber()
                            ? String.format(Locale.ROOT, "%.1f", row.path("read_committed_output_stall_seconds").asDouble()) : "-",
                    recovery(row),
                    row.path("onnxruntime_library_copies_written").isNumber() ? count(row, "onnxruntime_library_copies_written") : "-",
                    String.format(Locale.ROOT, "%.0f", row.path("seconds").asDouble()) + " |")));
        }
        lines.add("");
        lines.add(String.format(Locale.ROOT, "Cluster `%s`, scale `%s`, seed %d, %s, commit `%s`, %s; passed: %s.",
                result.path("cluster").asText("minicluster"), result.path("scale").asText(), result.path("seed").asLong(),
                result.path("delivery_guarantee").asText(), abbreviated(result.path("commit").asText()),
                result.path("taken_at").asText().substring(0, 10), result.path("passed").asBoolean()));
        return String.join("\n", lines) + "\n";
    }

    private static String recovery(JsonNode row) {
        if (row.has("recovery_seconds_per_kill")) {
            List<String> seconds = new ArrayList<>();
            row.path("recovery_seconds_per_kill").forEach(s -> seconds.add(String.format(Locale.ROOT, "%.0f", s.asDouble())));
            return String.join(", ", seconds);
        }
        return row.has("recovery_seconds") ? String.format(Locale.ROOT, "%.0f", row.path("recovery_seconds").asDouble()) : "-";
    }

    private static String count(JsonNode row, String field) {
        return String.format(Locale.ROOT, "%,d", row.path(field).asLong());
    }

    private static String abbreviated(String commit) {
        return commit.length() > 7 ? commit.substring(0, 7) + (commit.endsWith("-dirty") ? "-dirty" : "") : commit;
    }
}
