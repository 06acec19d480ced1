package io.nextitem.snapshot;

/**
 * What the manifest needs of one training example: its interval, its click time and, the first
 * time the stream shows its next item, that item's id. A Flink POJO: public fields and a no-argument
 * constructor, so it travels without Kryo.
 */
public final class SnapshotEntry {
    public long intervalStartMillis;
    public long eventTimeMillis;
    /** The example's next item when the stream never showed it before; null otherwise. */
    public String firstSeenItemId;

    public SnapshotEntry() {}

    public SnapshotEntry(long intervalStartMillis, long eventTimeMillis, String firstSeenItemId) {
        this.intervalStartMillis = intervalStartMillis;
        this.eventTimeMillis = eventTimeMillis;
        this.firstSeenItemId = firstSeenItemId;
    }
}
