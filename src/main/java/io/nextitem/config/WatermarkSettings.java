package io.nextitem.config;

import java.io.Serializable;
import java.util.List;

/** Event-time watermarks on the clicks source (record timestamp = event time). */
public class WatermarkSettings implements Serializable {
    private static final long serialVersionUID = 1L;

    public long maxOutOfOrdernessMs = 5_000L;
    /** A partition with no records for this long stops holding the watermark back. */
    public long idlenessMs = 30_000L;

    void validate(List<String> errors) {
        ConfigChecks.atLeast(errors, "watermarks.max-out-of-orderness-ms", maxOutOfOrdernessMs, 0);
        ConfigChecks.atLeast(errors, "watermarks.idleness-ms", idlenessMs, 1);
    }
}
