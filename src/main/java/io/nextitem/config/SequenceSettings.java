package io.nextitem.config;

import com.fasterxml.jackson.annotation.JsonSetter;
import java.io.Serializable;
import org.apache.flink.api.common.state.StateTtlConfig;
import java.time.Duration;
import java.util.List;

/** The per-user sequence kept in keyed state. */
public class SequenceSettings implements Serializable {
    private static final long serialVersionUID = 1L;
    /** State entries the compaction filter processes before re-reading the current time. */
    private static final long TTL_COMPACTION_QUERY_INTERVAL = 1000L;

    /** Most recent items kept per user (L). At least the model's max_seq_len to use its full context. */
    public int maxLength = 50;
    /**
     * A user's sequence is dropped after this many minutes without a click (state TTL, processing
     * time). Minutes, not hours, so that a soak of half an hour sees users expire.
     */
    public long ttlMinutes = 60L * 24 * 30;

    public Duration ttl() {
        return Duration.ofMinutes(ttlMinutes);
    }

    /**
     * The TTL of every per-user state (the sequence, the live-quality judge's last list): refreshed
     * on every write, expired values never returned, removed by RocksDB's compaction filter. Files
     * older than the TTL are compacted even when no write triggers it (periodic compaction), so an
     * idle user's bytes leave the disk within about two TTLs, not only when compaction happens by.
     */
    public StateTtlConfig stateTtl() {
        return StateTtlConfig.newBuilder(ttl())
                .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                .cleanupInRocksdbCompactFilter(TTL_COMPACTION_QUERY_INTERVAL, ttl())
                .build();
    }

    /** The key before minutes: named in the error, so an old config file says what to change. */
    @JsonSetter("ttl-hours")
    void rejectTtlHours(long hours) {
        throw new IllegalArgumentException("sequence.ttl-hours was replaced by sequence.ttl-minutes: write ttl-minutes: "
                + hours * 60);
    }

    void validate(List<String> errors) {
        ConfigChecks.between(errors, "sequence.max-length", maxLength, 1, 10_000);
        ConfigChecks.atLeast(errors, "sequence.ttl-minutes", ttlMinutes, 1);
    }
}
