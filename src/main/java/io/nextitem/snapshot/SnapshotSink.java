package io.nextitem.snapshot;

import io.nextitem.avro.TrainingExample;
import io.nextitem.config.SnapshotSettings;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.core.fs.Path;
import org.apache.flink.formats.avro.AvroWriters;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;
import org.apache.flink.streaming.api.functions.sink.filesystem.rollingpolicies.OnCheckpointRollingPolicy;

/**
 * Fine-tuning snapshots, wired: the examples go to Flink's FileSink as Avro container files (bulk
 * format, so part files roll and commit on checkpoints, exactly once: a failure never leaves half
 * a file or a duplicate row), one folder per interval, and, keyed by item through
 * {@link FirstSightFunction}, to {@link SnapshotManifestOperator}, which writes each folder's
 * manifest once it is complete.
 */
public final class SnapshotSink {
    private SnapshotSink() {}

    public static void wire(DataStream<TrainingExample> examples, SnapshotSettings settings) {
        long intervalMillis = settings.intervalMinutes * 60_000L;
        FileSink<TrainingExample> files = FileSink
                .forBulkFormat(new Path(settings.dir), AvroWriters.forSpecificRecord(TrainingExample.class))
                .withBucketAssigner(new SnapshotBucketAssigner(intervalMillis))
                .withRollingPolicy(OnCheckpointRollingPolicy.build())
                .withOutputFileConfig(OutputFileConfig.builder().withPartPrefix("part").withPartSuffix(".avro").build())
                .build();
        examples.sinkTo(files).name("snapshot-files").uid("snapshot-files");
        examples.keyBy(example -> example.getNextItemId().toString(), org.apache.flink.api.common.typeinfo.Types.STRING)
                .process(new FirstSightFunction(), org.apache.flink.api.common.typeinfo.TypeInformation.of(SnapshotEntry.class))
                .name("snapshot-first-sight").uid("snapshot-first-sight")
                .transform("snapshot-manifests", org.apache.flink.api.common.typeinfo.Types.VOID,
                        new SnapshotManifestOperator(settings.dir, intervalMillis))
                .setParallelism(1).setMaxParallelism(1).uid("snapshot-manifests");
    }
}
