package io.nextitem.tools.soak;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The docs' summary of a soak, printed from its soak.json ({@code soak --print-table FILE}) so the
 * figures in the docs are the file's (DocsFiguresTest compares them).
 */
public final class SoakTable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SoakTable() {}

    public static String markdown(Path resultFile) throws IOException {
        JsonNode soak = JSON.readTree(resultFile.toFile());
        JsonNode settings = soak.path("settings");
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "%d minutes at %,.0f clicks/s (%s), parallelism %d on two TaskManager JVMs, "
                        + "%,d users active at a time, %,.0f new ones a minute, TTL %d min, snapshots every %d min, "
                        + "fine-tuning: %s.", soak.path("minutes").asInt(), settings.path("events_per_s").asDouble(),
                soak.path("rate_source").asText(), settings.path("parallelism").asInt(), settings.path("active_users").asInt(),
                settings.path("new_users_per_minute").asDouble(), settings.path("sequence_ttl_minutes").asInt(),
                settings.path("snapshot_interval_minutes").asInt(), settings.path("finetune").asText()));
        lines.add("");
        lines.add(String.format(Locale.ROOT, "Clicks %,d; lost %,d; duplicated %,d; dead letters %,d of %,d malformed; "
                        + "job recoveries %d; versions published by finetune %d, lists by version: %s; drain after the last "
                        + "click %.1f s.", soak.path("clicks").asLong(), soak.path("lost").asLong(),
                soak.path("duplicated").asLong(), soak.path("dead_letters").asLong(), soak.path("malformed_sent").asLong(),
                soak.path("recoveries").asInt(), soak.path("finetune_published").asLong(),
                versions(soak.path("lists_by_model_version")), soak.path("drain_seconds").asDouble()));
        lines.add("");
        lines.add("| series | first | last | slope per hour | slope per hour, second half |");
        lines.add("|---|---|---|---|---|");
        for (Iterator<Map.Entry<String, JsonNode>> it = soak.path("series").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> series = it.next();
            JsonNode f = series.getValue();
            lines.add(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s |", series.getKey(), number(f.path("first")),
                    number(f.path("last")), number(f.path("slope_per_hour")), number(f.path("slope_per_hour_second_half"))));
        }
        lines.add("");
        JsonNode check = soak.path("state_check");
        List<String> state = new ArrayList<>();
        for (String name : SoakReport.STATE_SERIES) {
            JsonNode s = check.path(name);
            state.add(String.format(Locale.ROOT, "%s %s MiB at minute %s, %s MiB at minute %s (%s)", name,
                    number(s.path("at_half")), number(check.path("compared_minutes").path(0)), number(s.path("at_end")),
                    number(check.path("compared_minutes").path(1)), s.path("change").isNumber()
                            ? String.format(Locale.ROOT, "%+.1f%%", s.path("change").asDouble() * 100) : "-"));
        }
        lines.add(String.format(Locale.ROOT, "State: %s; within %.0f%%: %s. Commit `%s`, %s; passed: %s.",
                String.join("; ", state), check.path("tolerance").asDouble() * 100, check.path("passed").asBoolean(),
                abbreviated(soak.path("commit").asText()), soak.path("taken_at").asText().substring(0, 10),
                soak.path("passed").asBoolean()));
        return String.join("\n", lines) + "\n";
    }

    private static String versions(JsonNode byVersion) {
        List<String> parts = new ArrayList<>();
        byVersion.fields().forEachRemaining(e -> parts.add(String.format(Locale.ROOT, "%,d", e.getValue().asLong())));
        return parts.size() + " versions (" + String.join(", ", parts) + ")";
    }

    private static String number(JsonNode value) {
        if (!value.isNumber()) {
            return "-";
        }
        double v = value.asDouble();
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.format(Locale.ROOT, "%,d", (long) v)
                : String.format(Locale.ROOT, "%,.1f", v);
    }

    private static String abbreviated(String commit) {
        return commit.length() > 7 ? commit.substring(0, 7) + (commit.endsWith("-dirty") ? "-dirty" : "") : commit;
    }
}
