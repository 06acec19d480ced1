package io.nextitem.tools.ann;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The ann-compare result as the Markdown table docs/ann-search.md shows (printed, never typed). */
public final class AnnComparisonTable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private AnnComparisonTable() {}

    public static String markdown(Path resultFile) throws IOException {
        JsonNode result = JSON.readTree(resultFile.toFile());
        List<Integer> efs = new ArrayList<>();
        result.path("config").path("ef").forEach(ef -> efs.add(ef.asInt()));
        StringBuilder out = new StringBuilder("| library | build, s | bytes/item on disk | on the heap | searched off-heap |");
        StringBuilder rule = new StringBuilder("|---|---|---|---|---|");
        for (int ef : efs) {
            out.append(" ef ").append(ef).append(": recall@").append(result.path("config").path("k").asInt())
                    .append(", mean us |");
            rule.append("---|");
        }
        out.append('\n').append(rule).append('\n');
        for (JsonNode library : result.path("libraries")) {
            out.append("| ").append(library.path("library").asText())
                    .append(" | ").append(number(library.path("build_seconds").asDouble(), 1))
                    .append(" | ").append(number(library.path("disk_bytes_per_item").asDouble(), 0))
                    .append(" | ").append(number(library.path("heap_bytes_per_item").asDouble(), 0))
                    .append(" | ").append(number(library.path("searched_file_bytes_per_item").asDouble(), 0)).append(" |");
            for (JsonNode point : library.path("sweep")) {
                out.append(' ').append(number(point.path("recall_at_k").asDouble(), 3)).append(", ")
                        .append(number(point.path("mean_query_micros").asDouble(), 0)).append(" |");
            }
            out.append('\n');
        }
        out.append("| exact | | | | |");
        String exact = number(result.path("exact").path("mean_query_micros").asDouble(), 0);
        for (int i = 0; i < efs.size(); i++) {
            out.append(" 1, ").append(exact).append(" |");
        }
        return out.append('\n').toString();
    }

    private static String number(double value, int decimals) {
        return String.format(Locale.ROOT, "%,." + decimals + "f", value);
    }
}
