package io.nextitem.snapshot;

import java.io.Serializable;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Fixed event-time intervals, aligned to the epoch: an example belongs to the interval holding its
 * click's event time, and the interval's folder is named by its start in UTC
 * ({@code snapshot-20260101T001500Z}), so names sort by time and never depend on when the job ran.
 */
public record SnapshotInterval(long startMillis, long lengthMillis) implements Serializable {
    private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("'snapshot-'yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    public static SnapshotInterval of(long eventTimeMillis, long lengthMillis) {
        return new SnapshotInterval(Math.floorDiv(eventTimeMillis, lengthMillis) * lengthMillis, lengthMillis);
    }

    /** The first millisecond after the interval: once the watermark passes it, the interval is complete. */
    public long endMillis() {
        return startMillis + lengthMillis;
    }

    public String folderName() {
        return NAME.format(Instant.ofEpochMilli(startMillis));
    }
}
