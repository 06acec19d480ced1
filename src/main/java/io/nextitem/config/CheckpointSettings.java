package io.nextitem.config;

import java.io.Serializable;
import java.util.List;

/** Checkpointing: it drives exactly-once output, so recommendations become visible per interval. */
public class CheckpointSettings implements Serializable {
    private static final long serialVersionUID = 1L;

    static final Setting.Section<CheckpointSettings> SECTION = Setting.Section.of("checkpoint", config -> config.checkpoint);
    static final Setting<CheckpointSettings, Long> INTERVAL_MS = SECTION.key("interval-ms").longType()
            .defaultValue(5_000L)
            .withDescription("Checkpoint interval, in ms. Checkpoints drive exactly-once output: recommendations "
                    + "become visible to read_committed consumers when a checkpoint completes.")
            .checkedBy(ConfigChecks.between(100, 3_600_000))
            .field(c -> c.intervalMs, (c, v) -> c.intervalMs = v);
    static final Setting<CheckpointSettings, String> DIR = SECTION.key("dir").stringType()
            .defaultValue("file:///tmp/nextitem/checkpoints")
            .withDescription("Checkpoint storage URI (file://, s3://, ...).")
            .checkedBy(ConfigChecks.nonBlank())
            .checkedBy(ConfigChecks.uri("file:///var/nextitem/checkpoints", null))
            .field(c -> c.dir, (c, v) -> c.dir = v);
    static final Setting<CheckpointSettings, Boolean> INCREMENTAL = SECTION.key("incremental").booleanType()
            .defaultValue(true)
            .withDescription("RocksDB incremental checkpoints: upload only new SST files.")
            .field(c -> c.incremental, (c, v) -> c.incremental = v);
    // Without the changelog every checkpoint flushes RocksDB's memtable on the keyed task thread;
    // that synchronous part (45-200 ms on 2 shared cores) held back every click behind it and was
    // most of the inference-path p99.
    static final Setting<CheckpointSettings, Boolean> CHANGELOG = SECTION.key("changelog").booleanType()
            .defaultValue(false)
            .withDescription("Flink's log-based incremental checkpoints (the changelog state backend around RocksDB): "
                    + "a checkpoint persists the log of state changes instead of flushing RocksDB on the keyed task "
                    + "thread, and RocksDB itself is snapshotted every checkpoint.changelog-materialization-interval-ms. "
                    + "Off by default: a job that restores a savepoint with it on must claim the savepoint (Flink "
                    + "cannot take the full first checkpoint that NO_CLAIM needs), so Flink may delete that savepoint "
                    + "once a later checkpoint subsumes it. On a cluster the log goes where the task managers' "
                    + "state.changelog.* settings say.")
            .field(c -> c.changelog, (c, v) -> c.changelog = v);
    static final Setting<CheckpointSettings, String> CHANGELOG_DIR = SECTION.key("changelog-dir").stringType()
            .defaultValue("")
            .withDescription("Where the changelog is written in local runs (a URI like checkpoint.dir); "
                    + "empty = <checkpoint.dir>/changelog.")
            .checkedBy(ConfigChecks.uri("file:///var/nextitem/changelog", "empty for <checkpoint.dir>/changelog"))
            .checkedOnlyWhen(c -> c.changelog, "when checkpoint.changelog is on")
            .field(c -> c.changelogDir, (c, v) -> c.changelogDir = v);
    static final Setting<CheckpointSettings, Long> CHANGELOG_MATERIALIZATION_INTERVAL_MS =
            SECTION.key("changelog-materialization-interval-ms").longType()
            .defaultValue(60_000L)
            .withDescription("How often RocksDB is snapshotted (materialized) so the changelog can be truncated, in ms. "
                    + "A checkpoint holds the changelog since the last materialization, and a recovery replays it: "
                    + "longer means fewer RocksDB snapshots on the task thread, shorter a smaller log to keep and replay.")
            .checkedBy(ConfigChecks.between(1_000, 86_400_000))
            .checkedOnlyWhen(c -> c.changelog, "when checkpoint.changelog is on")
            .field(c -> c.changelogMaterializationIntervalMs, (c, v) -> c.changelogMaterializationIntervalMs = v);
    static final List<Setting<CheckpointSettings, ?>> SETTINGS = List.of(INTERVAL_MS, DIR, INCREMENTAL, CHANGELOG,
            CHANGELOG_DIR, CHANGELOG_MATERIALIZATION_INTERVAL_MS);

    public long intervalMs = INTERVAL_MS.defaultValue();
    public String dir = DIR.defaultValue();
    public boolean incremental = INCREMENTAL.defaultValue();
    public boolean changelog = CHANGELOG.defaultValue();
    public String changelogDir = CHANGELOG_DIR.defaultValue();
    public long changelogMaterializationIntervalMs = CHANGELOG_MATERIALIZATION_INTERVAL_MS.defaultValue();

    /** The changelog's location: {@link #changelogDir}, or a {@code changelog} folder under {@link #dir}. */
    public String changelogLocation() {
        if (changelogDir != null && !changelogDir.isBlank()) {
            return changelogDir;
        }
        return dir.replaceAll("/+$", "") + "/changelog";
    }

    void validate(List<String> errors) {
        Setting.checkAll(SETTINGS, this, errors);
    }
}
