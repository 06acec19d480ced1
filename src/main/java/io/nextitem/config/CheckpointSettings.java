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
    /**
     * Flink's log-based incremental checkpoints (the changelog state backend around RocksDB):
     * state changes are also written to a log that each checkpoint persists, and RocksDB itself
     * is snapshotted only every {@link #changelogMaterializationIntervalMs}. Without it every
     * checkpoint flushes RocksDB's memtable on the keyed task thread; that synchronous part
     * (45-200 ms on 2 shared cores) held back every click behind it and was most of the
     * inference-path p99. Off by default: a job that restores a savepoint with it on must claim
     * the savepoint (Flink cannot take the full first checkpoint that NO_CLAIM needs), so Flink
     * may delete that savepoint once a later checkpoint subsumes it.
     */
    public boolean changelog = false;
    /** Where the changelog is written (a URI like {@link #dir}); empty = {@code <dir>/changelog}. */
    public String changelogDir = "";
    /**
     * How often RocksDB is snapshotted (materialized) so the changelog can be truncated. A
     * checkpoint holds the changelog since the last materialization, and a recovery replays it:
     * longer means fewer RocksDB snapshots on the task thread, shorter a smaller log to keep and replay.
     */
    public long changelogMaterializationIntervalMs = 60_000L;

    /** The changelog's location: {@link #changelogDir}, or a {@code changelog} folder under {@link #dir}. */
    public String changelogLocation() {
        if (changelogDir != null && !changelogDir.isBlank()) {
            return changelogDir;
        }
        return dir.replaceAll("/+$", "") + "/changelog";
    }

    void validate(List<String> errors) {
        ConfigChecks.between(errors, "checkpoint.interval-ms", intervalMs, 100, 3_600_000);
        ConfigChecks.nonBlank(errors, "checkpoint.dir", dir);
        if (dir != null && !dir.contains("://")) {
            errors.add("checkpoint.dir '" + dir + "' must be a URI such as file:///var/nextitem/checkpoints");
        }
        if (changelog) {
            ConfigChecks.between(errors, "checkpoint.changelog-materialization-interval-ms",
                    changelogMaterializationIntervalMs, 1_000, 86_400_000);
            if (changelogDir != null && !changelogDir.isBlank() && !changelogDir.contains("://")) {
                errors.add("checkpoint.changelog-dir '" + changelogDir
                        + "' must be a URI such as file:///var/nextitem/changelog (or empty for <checkpoint.dir>/changelog)");
            }
        }
    }
}
