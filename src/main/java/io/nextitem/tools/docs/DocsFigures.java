package io.nextitem.tools.docs;

import io.nextitem.tools.ann.AnnComparisonTable;
import io.nextitem.tools.bench.CatalogueScalingTable;
import io.nextitem.tools.bench.StateScalingTable;
import io.nextitem.tools.reliability.ReliabilityTable;
import io.nextitem.tools.soak.SoakTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every table in the docs that the job's tools print from a result file, each between its
 * {@code <!-- NAME: begin -->} and {@code <!-- NAME: end -->} lines, so no figure there is typed.
 * {@code docs tables} rewrites them, {@code --check} names the ones that differ; the trainer's
 * {@code results-table} does the same for the quality and streaming tables, and
 * {@code deploy/bin/docs-tables} runs both.
 */
public final class DocsFigures {
    /** @param page relative to the repository root; @param resultFile relative to it too */
    public record Marked(String page, String marker, Path resultFile, Printer printer) {
        String table(Path root) throws IOException {
            return printer.markdown(root.resolve(resultFile)).strip();
        }
    }

    @FunctionalInterface
    public interface Printer {
        String markdown(Path resultFile) throws IOException;
    }

    private static final Path RESULTS = Path.of("src", "site", "results");
    private static final List<String> SCALING_RUNS = List.of("bands-head-1e3-to-1e6", "head-only-3416-1e6",
            "video-games-recall", "default-3416-1e6", "default-1e6-p99");

    private DocsFigures() {}

    public static List<Marked> all() {
        List<Marked> tables = new ArrayList<>();
        tables.add(new Marked("docs/reliability.md", "reliability table",
                RESULTS.resolve("reliability/reliability.json"), ReliabilityTable::markdown));
        tables.add(new Marked("docs/cluster.md", "reliability-standalone table",
                RESULTS.resolve("reliability/reliability-standalone.json"), ReliabilityTable::markdown));
        tables.add(new Marked("docs/cluster.md", "reliability-ten-kills table",
                RESULTS.resolve("reliability/reliability-standalone-ten-kills.json"), ReliabilityTable::markdown));
        tables.add(new Marked("docs/cluster.md", "soak summary", RESULTS.resolve("soak/soak.json"), SoakTable::markdown));
        for (String run : SCALING_RUNS) {
            tables.add(new Marked("docs/scaling.md", run + " table", RESULTS.resolve("scaling/" + run + "/summary.json"),
                    CatalogueScalingTable::markdown));
        }
        tables.add(new Marked("docs/scaling.md", "state-1e6-1e7 table",
                RESULTS.resolve("scaling/state-1e6-1e7/state_sasrec-bench-n3416-l50.json"), StateScalingTable::markdown));
        tables.add(new Marked("docs/performance.md", "state-3416 table",
                RESULTS.resolve("bench/state_sasrec-bench-n3416-l50.json"), StateScalingTable::markdown));
        for (String comparison : List.of("ann-compare-100k", "ann-compare-trained-100k")) {
            tables.add(new Marked("docs/ann-search.md", comparison + " table",
                    RESULTS.resolve("ann/" + comparison + ".json"), AnnComparisonTable::markdown));
        }
        return tables;
    }

    /** "page: marker" of every table under {@code root} whose text differs from what its result file prints. */
    public static List<String> stale(Path root) throws IOException {
        List<String> stale = new ArrayList<>();
        for (Marked table : all()) {
            if (!between(Files.readString(root.resolve(table.page())), table).strip().equals(table.table(root))) {
                stale.add(table.page() + ": " + table.marker());
            }
        }
        return stale;
    }

    /** Rewrites every stale table under {@code root}; @return the pages that changed */
    public static List<String> write(Path root) throws IOException {
        Map<String, String> pages = new LinkedHashMap<>();
        java.util.Set<String> changed = new java.util.LinkedHashSet<>();
        for (Marked table : all()) {
            String text = pages.computeIfAbsent(table.page(), page -> read(root.resolve(page)));
            if (!between(text, table).strip().equals(table.table(root))) {
                String begin = begin(table);
                int from = text.indexOf(begin) + begin.length();
                pages.put(table.page(), text.substring(0, from) + "\n" + table.table(root) + "\n" + text.substring(text.indexOf(end(table))));
                changed.add(table.page());
            }
        }
        for (String page : changed) {
            Files.writeString(root.resolve(page), pages.get(page));
        }
        return new ArrayList<>(changed);
    }

    private static String between(String text, Marked table) {
        int from = text.indexOf(begin(table));
        int to = text.indexOf(end(table));
        if (from < 0 || to < from) {
            throw new IllegalStateException(table.page() + " lacks the markers " + begin(table) + " ... " + end(table));
        }
        return text.substring(from + begin(table).length(), to);
    }

    private static String begin(Marked table) {
        return "<!-- " + table.marker() + ": begin -->";
    }

    private static String end(Marked table) {
        return "<!-- " + table.marker() + ": end -->";
    }

    private static String read(Path page) {
        try {
            return Files.readString(page);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
