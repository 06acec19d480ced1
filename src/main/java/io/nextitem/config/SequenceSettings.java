package io.nextitem.config;

import java.io.Serializable;
import org.apache.flink.api.common.state.StateTtlConfig;
import java.time.Duration;
import java.util.List;

/** The per-user sequence kept in keyed state. */
public class SequenceSettings implements Serializable {
    private static final long serialVersionUID = 1L;
    /** State entries the compaction filter processes before re-reading the current time. */
    private static final long TTL_COMPACTION_QUERY_INTERVAL = 1000L;

    static final Setting.Section<SequenceSettings> SECTION = Setting.Section.of("sequence", config -> config.sequence);
    static final Setting<SequenceSettings, Integer> MAX_LENGTH = SECTION.key("max-length").intType()
            .defaultValue(50)
            .withDescription("Most recent items kept per user (L). At least the served version's max_seq_len: a "
                    + "version that reads more items than the job keeps is refused, at start and at a swap.")
            .checkedBy(ConfigChecks.between(1, 10_000))
            .field(s -> s.maxLength, (s, v) -> s.maxLength = v);
    // Minutes, not hours, so that a soak of half an hour sees users expire.
    static final Setting<SequenceSettings, Long> TTL_MINUTES = SECTION.key("ttl-minutes").longType()
            .defaultValue(60L * 24 * 30)
            .withDescription("A user's sequence is dropped after this many minutes without a click (state TTL, "
                    + "processing time); the default is 30 days.")
            .checkedBy(ConfigChecks.atLeast(1))
            .field(s -> s.ttlMinutes, (s, v) -> s.ttlMinutes = v);
    static final List<Setting<SequenceSettings, ?>> SETTINGS = List.of(MAX_LENGTH, TTL_MINUTES);
    /** The key before minutes: named in the error, so an old config file says what to change. */
    static final JobSettings.RetiredKey TTL_HOURS = new JobSettings.RetiredKey("sequence.ttl-hours", value ->
            "sequence.ttl-hours was replaced by sequence.ttl-minutes: write ttl-minutes: " + value.asLong() * 60);

    public int maxLength = MAX_LENGTH.defaultValue();
    public long ttlMinutes = TTL_MINUTES.defaultValue();

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

    void validate(List<String> errors) {
        Setting.checkAll(SETTINGS, this, errors);
    }
}
