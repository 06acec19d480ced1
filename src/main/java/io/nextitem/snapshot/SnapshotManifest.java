package io.nextitem.snapshot;

import java.util.ArrayList;
import java.util.List;

/**
 * What the manifest of one snapshot says, accumulated while its interval is open: how many
 * examples, their click-time range, and the item ids the stream showed for the first time in it
 * (the trainer grows its vocabulary with them). Mutable, owned by {@link SnapshotManifestOperator}.
 */
public final class SnapshotManifest {
    public long intervalStartMillis;
    public long intervalLengthMillis;
    public long examples;
    public long minEventTimeMillis = Long.MAX_VALUE;
    public long maxEventTimeMillis = Long.MIN_VALUE;
    public List<String> newItemIds = new ArrayList<>();
    /** The watermark that closed the interval; Long.MIN_VALUE while open. */
    public long closedAtWatermarkMillis = Long.MIN_VALUE;
    /** The first checkpoint taken after the interval closed; -1 until then. */
    public long closedInCheckpoint = -1;

    public SnapshotManifest() {} // for Jackson (operator state is JSON)

    SnapshotManifest(SnapshotInterval interval) {
        this.intervalStartMillis = interval.startMillis();
        this.intervalLengthMillis = interval.lengthMillis();
    }

    SnapshotInterval interval() {
        return new SnapshotInterval(intervalStartMillis, intervalLengthMillis);
    }

    void add(long eventTimeMillis, String firstSeenItemOrNull) {
        examples++;
        minEventTimeMillis = Math.min(minEventTimeMillis, eventTimeMillis);
        maxEventTimeMillis = Math.max(maxEventTimeMillis, eventTimeMillis);
        if (firstSeenItemOrNull != null) {
            newItemIds.add(firstSeenItemOrNull);
        }
    }
}
