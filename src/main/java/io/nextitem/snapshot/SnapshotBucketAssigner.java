package io.nextitem.snapshot;

import io.nextitem.avro.TrainingExample;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.functions.sink.filesystem.BucketAssigner;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.SimpleVersionedStringSerializer;

/** One FileSink bucket (folder) per snapshot interval, as the sequence stage placed the example. */
public final class SnapshotBucketAssigner implements BucketAssigner<TrainingExample, String> {
    private static final long serialVersionUID = 1L;

    private final long intervalMillis;

    public SnapshotBucketAssigner(long intervalMillis) {
        this.intervalMillis = intervalMillis;
    }

    @Override
    public String getBucketId(TrainingExample example, Context context) {
        return new SnapshotInterval(example.getSnapshotStartMillis(), intervalMillis).folderName();
    }

    @Override
    public SimpleVersionedSerializer<String> getSerializer() {
        return SimpleVersionedStringSerializer.INSTANCE;
    }
}
