package io.nextitem.config;

import java.io.Serializable;
import java.net.URI;
import java.util.List;

/** Fine-tuning snapshots: training examples written as Avro container files, one folder per interval. */
public class SnapshotSettings implements Serializable {
    private static final long serialVersionUID = 1L;

    static final Setting.Section<SnapshotSettings> SECTION = Setting.Section.of("snapshots", config -> config.snapshots);
    static final Setting<SnapshotSettings, String> DIR = SECTION.key("dir").stringType()
            .defaultValue("")
            .withDescription("Flink file-system URI of the snapshot root (e.g. file:///data/snapshots): every click "
                    + "that follows another leaves a TrainingExample there, one folder per event-time interval "
                    + "(snapshot-<start UTC>), committed on checkpoints; a folder is complete when its "
                    + "_manifest.json appears. Empty = no snapshots.")
            .checkedBy(Setting.Check.of("empty, or a URI with a scheme", (key, value) -> {
                if (value == null || value.isBlank()) {
                    return null;
                }
                try {
                    return URI.create(value).getScheme() == null
                            ? key + " '" + value + "' has no scheme: write it as a URI, e.g. file:///data/snapshots" : null;
                } catch (IllegalArgumentException e) {
                    return key + " '" + value + "' is not a URI: " + e.getMessage();
                }
            }))
            .field(s -> s.dir, (s, v) -> s.dir = v);
    static final Setting<SnapshotSettings, Long> INTERVAL_MINUTES = SECTION.key("interval-minutes").longType()
            .defaultValue(15L)
            .withDescription("Length of one snapshot interval in event time: examples go to the interval of their click.")
            .checkedBy(ConfigChecks.between(1, 60L * 24 * 366))
            .field(s -> s.intervalMinutes, (s, v) -> s.intervalMinutes = v);
    static final List<Setting<SnapshotSettings, ?>> SETTINGS = List.of(DIR, INTERVAL_MINUTES);

    public String dir = DIR.defaultValue();
    public long intervalMinutes = INTERVAL_MINUTES.defaultValue();

    public boolean enabled() {
        return dir != null && !dir.isBlank();
    }

    void validate(List<String> errors) {
        Setting.checkAll(SETTINGS, this, errors);
    }
}
