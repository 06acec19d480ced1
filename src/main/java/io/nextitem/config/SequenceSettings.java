package io.nextitem.config;

import java.io.Serializable;
import java.util.List;

/** The per-user sequence kept in keyed state. */
public class SequenceSettings implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Most recent items kept per user (L). At least the model's max_seq_len to use its full context. */
    public int maxLength = 50;
    /** A user's sequence is dropped after this long without a click (state TTL, processing time). */
    public long ttlHours = 24L * 30;

    void validate(List<String> errors) {
        ConfigChecks.between(errors, "sequence.max-length", maxLength, 1, 10_000);
        ConfigChecks.atLeast(errors, "sequence.ttl-hours", ttlHours, 1);
    }
}
