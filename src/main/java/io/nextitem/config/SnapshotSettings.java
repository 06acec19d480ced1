package io.nextitem.config;

import java.io.Serializable;
import java.net.URI;
import java.util.List;

/** Fine-tuning snapshots: training examples written as Avro container files, one folder per interval. */
public class SnapshotSettings implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Flink file-system URI of the snapshot root (e.g. file:///data/snapshots); empty = no snapshots. */
    public String dir = "";
    /** Length of one snapshot interval in event time: examples go to the interval of their click. */
    public long intervalMinutes = 15;

    public boolean enabled() {
        return dir != null && !dir.isBlank();
    }

    void validate(List<String> errors) {
        ConfigChecks.between(errors, "snapshots.interval-minutes", intervalMinutes, 1, 60L * 24 * 366);
        if (enabled()) {
            try {
                if (URI.create(dir).getScheme() == null) {
                    errors.add("snapshots.dir '" + dir + "' has no scheme: write it as a URI, e.g. file:///data/snapshots");
                }
            } catch (IllegalArgumentException e) {
                errors.add("snapshots.dir '" + dir + "' is not a URI: " + e.getMessage());
            }
        }
    }
}
