package io.nextitem.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SnapshotIntervalTest {
    private static final long QUARTER_HOUR = 15 * 60_000L;
    private static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z

    @Test
    void intervalsAreAlignedToTheEpochAndNamedByTheirStartInUtc() {
        SnapshotInterval interval = SnapshotInterval.of(T0 + 17 * 60_000L + 5, QUARTER_HOUR);
        assertThat(interval.startMillis()).isEqualTo(T0 + QUARTER_HOUR);
        assertThat(interval.endMillis()).isEqualTo(T0 + 2 * QUARTER_HOUR);
        assertThat(interval.folderName()).isEqualTo("snapshot-20260101T001500Z");
        assertThat(SnapshotInterval.of(T0 + QUARTER_HOUR - 1, QUARTER_HOUR).folderName()).isEqualTo("snapshot-20260101T000000Z");
        assertThat(SnapshotInterval.of(-1, QUARTER_HOUR).startMillis()).as("before the epoch").isEqualTo(-QUARTER_HOUR);
    }
}
