package io.nextitem.config;

import java.io.Serializable;
import java.util.List;

/** Checkpointing: it drives exactly-once output, so recommendations become visible per interval. */
public class CheckpointSettings implements Serializable {
    private static final long serialVersionUID = 1L;

    public long intervalMs = 5_000L;
    /** Checkpoint storage URI (file://, s3://, ...). */
    public String dir = "file:///tmp/nextitem/checkpoints";
    /** RocksDB incremental checkpoints: upload only new SST files. */
    public boolean incremental = true;

    void validate(List<String> errors) {
        ConfigChecks.between(errors, "checkpoint.interval-ms", intervalMs, 100, 3_600_000);
        ConfigChecks.nonBlank(errors, "checkpoint.dir", dir);
        if (dir != null && !dir.contains("://")) {
            errors.add("checkpoint.dir '" + dir + "' must be a URI such as file:///var/nextitem/checkpoints");
        }
    }
}
