package io.nextitem.tools.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The scaling stage's {@code catalogue_scaling} rows of a summary.json as the Markdown table
 * docs/scaling.md shows (printed by {@code bench --scaling-table}, never typed), with the two
 * ratios the targets are stated in: the rate against exact search on the same catalogue, and
 * against exact search on the smallest catalogue of the same run.
 */
public final class CatalogueScalingTable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private CatalogueScalingTable() {}

    public static String markdown(Path summaryFile) throws IOException {
        JsonNode rows = JSON.readTree(summaryFile.toFile()).path("catalogue_scaling").path("rows");
        if (!rows.isArray() || rows.isEmpty()) {
            throw new IllegalArgumentException(summaryFile + " has no catalogue_scaling rows (run bench --stages scaling)");
        }
        String reference = JSON.readTree(summaryFile.toFile()).path("catalogue_scaling").path("reference_variant").asText();
        Map<Long, Double> exactRate = new HashMap<>();
        long smallest = Long.MAX_VALUE;
        for (JsonNode row : rows) {
            if (row.path("variant").asText().equals(reference)) {
                exactRate.put(row.path("num_items").asLong(), row.path("events_per_s").asDouble());
                smallest = Math.min(smallest, row.path("num_items").asLong());
            }
        }
        // how each variant searched, where the run recorded it (runs before it did not)
        boolean searchNamed = false;
        for (JsonNode row : rows) {
            searchNamed |= row.hasNonNull("search");
        }
        StringBuilder out = new StringBuilder("| items | variant |" + (searchNamed ? " search |" : "") + " events/s | x "
                + reference + ", same items | x " + reference + ", " + String.format(Locale.ROOT, "%,d", smallest)
                + " items | p99 ms at half rate | recall@10 | index build, s | index bytes/item |\n|---|---|---|---|---|---|---|---|---|"
                + (searchNamed ? "---|" : "") + "\n");
        for (JsonNode row : rows) {
            long items = row.path("num_items").asLong();
            double rate = row.path("events_per_s").asDouble();
            out.append("| ").append(String.format(Locale.ROOT, "%,d", items))
                    .append(" | ").append(row.path("variant").asText())
                    .append(searchNamed ? " | " + row.path("search").asText("-") : "")
                    .append(" | ").append(number(rate, 0))
                    .append(" | ").append(ratio(rate, exactRate.get(items)))
                    .append(" | ").append(ratio(rate, exactRate.get(smallest)))
                    .append(" | ").append(number(row.path("p99_inference_ms_at_half_rate_at_least_once").asDouble(), 0))
                    .append(" | ").append(row.path("recall_at_10").isNumber() ? number(row.path("recall_at_10").asDouble(), 3) : "(reference)")
                    .append(" | ").append(row.path("index_build_seconds").isNumber() ? number(row.path("index_build_seconds").asDouble(), 1) : "-")
                    .append(" | ").append(row.path("index_bytes_per_item").isNumber() ? number(row.path("index_bytes_per_item").asDouble(), 0) : "-")
                    .append(" |\n");
        }
        return out.toString();
    }

    private static String ratio(double rate, Double of) {
        return of == null || of <= 0 ? "-" : number(rate / of, 2);
    }

    private static String number(double value, int decimals) {
        return String.format(Locale.ROOT, "%,." + decimals + "f", value);
    }
}
