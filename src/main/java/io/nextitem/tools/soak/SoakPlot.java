package io.nextitem.tools.soak;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The soak's rows drawn as an SVG: one small panel per sampled series, minutes across, with the
 * series' slope per hour in its title. Plain SVG written here, so the picture needs nothing beyond
 * the JVM that ran the soak and opens in any browser or in the repository's file view.
 */
final class SoakPlot {
    private static final int COLUMNS = 3;
    private static final int PANEL_W = 300;
    private static final int PANEL_H = 170;
    private static final int PAD = 36;

    private SoakPlot() {}

    static void write(Path file, List<Map<String, Object>> rows, Map<String, Map<String, Object>> series, String title)
            throws IOException {
        List<String> names = new ArrayList<>(series.keySet());
        int panelRows = (names.size() + COLUMNS - 1) / COLUMNS;
        int width = COLUMNS * PANEL_W;
        int height = 30 + panelRows * PANEL_H;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"11\">%n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n", width, height));
        svg.append(String.format(Locale.ROOT, "<text x=\"8\" y=\"18\" font-size=\"14\">%s</text>%n", escape(title)));
        double maxMinute = rows.stream().mapToDouble(r -> ((Number) r.get("minute")).doubleValue()).max().orElse(1);
        for (int i = 0; i < names.size(); i++) {
            int x0 = (i % COLUMNS) * PANEL_W;
            int y0 = 30 + (i / COLUMNS) * PANEL_H;
            panel(svg, names.get(i), rows, series.get(names.get(i)), x0, y0, Math.max(maxMinute, 1e-9));
        }
        svg.append("</svg>\n");
        Files.writeString(file, svg);
    }

    private static void panel(StringBuilder svg, String name, List<Map<String, Object>> rows, Map<String, Object> figures,
                              int x0, int y0, double maxMinute) {
        List<double[]> points = new ArrayList<>();
        for (Map<String, Object> row : rows) {
            if (row.get(name) instanceof Number value) {
                points.add(new double[] {((Number) row.get("minute")).doubleValue(), value.doubleValue()});
            }
        }
        double max = points.stream().mapToDouble(p -> p[1]).max().orElse(1);
        double min = Math.min(0, points.stream().mapToDouble(p -> p[1]).min().orElse(0));
        double span = max - min == 0 ? 1 : max - min;
        int left = x0 + PAD + 10;
        int right = x0 + PANEL_W - 10;
        int top = y0 + 22;
        int bottom = y0 + PANEL_H - 24;
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s (%s/h)</text>%n", x0 + 8, y0 + 14, escape(name),
                compact(((Number) figures.get("slope_per_hour")).doubleValue())));
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#bbb\"/>%n",
                left, top, right - left, bottom - top));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n", left - 3, top + 9, compact(max)));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n", left - 3, bottom, compact(min)));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s min</text>%n", right, bottom + 14,
                compact(maxMinute)));
        StringBuilder line = new StringBuilder();
        for (double[] p : points) {
            double x = left + p[0] / maxMinute * (right - left);
            double y = bottom - (p[1] - min) / span * (bottom - top);
            line.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
        }
        svg.append(String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"1.5\"/>%n",
                line.toString().trim()));
    }

    private static String compact(double value) {
        return Math.abs(value) >= 100 || value == Math.rint(value)
                ? String.format(Locale.ROOT, "%,.0f", value) : String.format(Locale.ROOT, "%.1f", value);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
