package io.nextitem.config;

import java.io.Serializable;
import java.util.List;

/** Event-time watermarks on the clicks source (record timestamp = event time). */
public class WatermarkSettings implements Serializable {
    private static final long serialVersionUID = 1L;

    static final Setting.Section<WatermarkSettings> SECTION = Setting.Section.of("watermarks", config -> config.watermarks);
    static final Setting<WatermarkSettings, Long> MAX_OUT_OF_ORDERNESS_MS = SECTION.key("max-out-of-orderness-ms").longType()
            .defaultValue(5_000L)
            .withDescription("How far a click's event time may lag the newest seen on its partition, in ms.")
            .checkedBy(ConfigChecks.atLeast(0))
            .field(w -> w.maxOutOfOrdernessMs, (w, v) -> w.maxOutOfOrdernessMs = v);
    static final Setting<WatermarkSettings, Long> IDLENESS_MS = SECTION.key("idleness-ms").longType()
            .defaultValue(30_000L)
            .withDescription("A partition with no records for this long (ms) stops holding the watermark back.")
            .checkedBy(ConfigChecks.atLeast(1))
            .field(w -> w.idlenessMs, (w, v) -> w.idlenessMs = v);
    static final List<Setting<WatermarkSettings, ?>> SETTINGS = List.of(MAX_OUT_OF_ORDERNESS_MS, IDLENESS_MS);

    public long maxOutOfOrdernessMs = MAX_OUT_OF_ORDERNESS_MS.defaultValue();
    public long idlenessMs = IDLENESS_MS.defaultValue();

    void validate(List<String> errors) {
        Setting.checkAll(SETTINGS, this, errors);
    }
}
