package io.nextitem.tools.soak;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the soak's rows into what soak.json reports: each sampled series' slope per hour (least
 * squares over the rows taken while clicks were produced), and the state check: with users
 * churning under a TTL, the state at the end should be what it was halfway, not more.
 */
final class SoakReport {
    /** Series whose level is the soak's state: Flink's checkpointed size and the RocksDB folders. */
    static final List<String> STATE_SERIES = List.of("checkpoint_state_mib", "rocksdb_mib");
    /**
     * The one the check judges: the state as Flink checkpoints it. The folders are reported beside
     * it, not judged: they also hold SST files that compactions have replaced and not yet deleted,
     * and swung between 57 and 89 MiB within six minutes of a soak whose checkpointed state held
     * at 62.5 MiB.
     */
    static final String JUDGED_STATE = "checkpoint_state_mib";
    static final double STATE_TOLERANCE = 0.10;
    /** How far either side of a compared minute the state readings are averaged. */
    static final double STATE_WINDOW_MINUTES = 2;

    private SoakReport() {}

    /** For every numeric series of the rows: its slope per hour, and its first and last values. */
    static Map<String, Map<String, Object>> series(List<Map<String, Object>> rows) {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        if (rows.isEmpty()) {
            return out;
        }
        for (String name : rows.get(rows.size() - 1).keySet()) {
            if (name.equals("minute")) {
                continue;
            }
            List<double[]> points = new ArrayList<>();
            for (Map<String, Object> row : rows) {
                if (row.get(name) instanceof Number value) {
                    points.add(new double[] {((Number) row.get("minute")).doubleValue(), value.doubleValue()});
                }
            }
            if (points.size() < 2) {
                continue;
            }
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("slope_per_hour", Math.round(slopePerMinute(points) * 60 * 1000) / 1000.0);
            // A JVM's RSS climbs while its heap is first touched; the second half shows what is left once warm.
            List<double[]> secondHalf = points.subList(points.size() / 2, points.size());
            if (secondHalf.size() >= 2) {
                figures.put("slope_per_hour_second_half", Math.round(slopePerMinute(secondHalf) * 60 * 1000) / 1000.0);
            }
            figures.put("first", points.get(0)[1]);
            figures.put("last", points.get(points.size() - 1)[1]);
            figures.put("samples", points.size());
            out.put(name, figures);
        }
        return out;
    }

    /** Least-squares slope of y over x (x in minutes). */
    static double slopePerMinute(List<double[]> points) {
        double meanX = points.stream().mapToDouble(p -> p[0]).average().orElse(0);
        double meanY = points.stream().mapToDouble(p -> p[1]).average().orElse(0);
        double num = 0;
        double den = 0;
        for (double[] p : points) {
            num += (p[0] - meanX) * (p[1] - meanY);
            den += (p[0] - meanX) * (p[0] - meanX);
        }
        return den == 0 ? 0 : num / den;
    }

    /**
     * The state halfway through against the state at the end, for each state series (only
     * {@link #JUDGED_STATE} decides): the mean of
     * the rows within {@link #STATE_WINDOW_MINUTES} of each minute (the RocksDB folders hold the
     * files a compaction is replacing beside their replacements for a while, so a single reading
     * can be a compaction's peak). Judged only when halfway is past {@code steadyFromMinute}
     * (before it the first users have not expired yet and the state still fills).
     */
    static Map<String, Object> stateCheck(List<Map<String, Object>> rows, int minutes, double steadyFromMinute) {
        Map<String, Object> check = new LinkedHashMap<>();
        double half = minutes / 2.0;
        check.put("compared_minutes", List.of(half, minutes));
        check.put("window_minutes", STATE_WINDOW_MINUTES);
        check.put("steady_from_minute", steadyFromMinute);
        check.put("tolerance", STATE_TOLERANCE);
        boolean judged = half >= steadyFromMinute;
        check.put("judged", judged);
        boolean within = true;
        for (String name : STATE_SERIES) {
            Double atHalf = meanNear(rows, name, half);
            Double atEnd = meanNear(rows, name, minutes);
            if (atHalf == null || atEnd == null) {
                within &= !name.equals(JUDGED_STATE);
                check.put(name, "not sampled");
                continue;
            }
            double change = atHalf == 0 ? (atEnd == 0 ? 0 : Double.POSITIVE_INFINITY) : (atEnd - atHalf) / atHalf;
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("at_half", Math.round(atHalf * 10) / 10.0);
            figures.put("at_end", Math.round(atEnd * 10) / 10.0);
            figures.put("change", Double.isFinite(change) ? Math.round(change * 1000) / 1000.0 : null);
            figures.put("within_tolerance", Math.abs(change) <= STATE_TOLERANCE);
            figures.put("judged", name.equals(JUDGED_STATE));
            if (name.equals(JUDGED_STATE)) {
                within &= Math.abs(change) <= STATE_TOLERANCE;
            }
            check.put(name, figures);
        }
        check.put("passed", !judged || within);
        return check;
    }

    /** The mean of the series over the rows within the window of {@code minute}; the nearest row if none is. */
    private static Double meanNear(List<Map<String, Object>> rows, String name, double minute) {
        double sum = 0;
        int count = 0;
        for (Map<String, Object> row : rows) {
            double at = ((Number) row.get("minute")).doubleValue();
            if (row.get(name) instanceof Number value && Math.abs(at - minute) <= STATE_WINDOW_MINUTES + 1e-9) {
                sum += value.doubleValue();
                count++;
            }
        }
        return count > 0 ? sum / count : valueNear(rows, name, minute);
    }

    private static Double valueNear(List<Map<String, Object>> rows, String name, double minute) {
        Double best = null;
        double bestDistance = Double.MAX_VALUE;
        for (Map<String, Object> row : rows) {
            if (row.get(name) instanceof Number value) {
                double distance = Math.abs(((Number) row.get("minute")).doubleValue() - minute);
                if (distance < bestDistance) {
                    bestDistance = distance;
                    best = value.doubleValue();
                }
            }
        }
        return best;
    }
}
