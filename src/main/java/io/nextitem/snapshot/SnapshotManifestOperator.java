package io.nextitem.snapshot;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Completes snapshots: runs beside the FileSink (parallelism 1, seeing every example) and writes
 * {@code _manifest.json} into a snapshot's folder once the folder can no longer change.
 *
 * <p>When is that? An interval closes when the watermark passes its end (late clicks were
 * already placed in the open interval upstream, see TrainingExample.snapshot_start_millis). The
 * FileSink commits the interval's last part files when the first checkpoint taken after that
 * point completes, in its own committer, in no fixed order with this operator. So the manifest is
 * written when a later checkpoint completes: by then every part file of the interval is
 * committed. After a failure the state restores the closed intervals and the manifest is written
 * (again, with the same content) at the next completion: a manifest is never missing, and a
 * folder with a manifest is whole. Metric: {@code snapshotsCompleted}.
 */
public final class SnapshotManifestOperator extends AbstractStreamOperator<Void> implements OneInputStreamOperator<SnapshotEntry, Void> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotManifestOperator.class);
    public static final String MANIFEST_FILE = "_manifest.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final String snapshotDir;
    private final long intervalMillis;

    private transient TreeMap<Long, SnapshotManifest> open;
    private transient List<SnapshotManifest> closed;
    private transient ListState<String> openState;
    private transient ListState<String> closedState;
    private transient Counter completed;

    public SnapshotManifestOperator(String snapshotDir, long intervalMillis) {
        this.snapshotDir = snapshotDir;
        this.intervalMillis = intervalMillis;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        openState = context.getOperatorStateStore().getListState(new ListStateDescriptor<>("snapshots-open", Types.STRING));
        closedState = context.getOperatorStateStore().getListState(new ListStateDescriptor<>("snapshots-closed", Types.STRING));
        open = new TreeMap<>();
        closed = new ArrayList<>();
        for (String json : openState.get()) {
            for (SnapshotManifest m : JSON.readValue(json, new TypeReference<List<SnapshotManifest>>() {})) {
                open.put(m.intervalStartMillis, m);
            }
        }
        for (String json : closedState.get()) {
            closed.addAll(JSON.readValue(json, new TypeReference<List<SnapshotManifest>>() {}));
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        completed = getMetricGroup().counter("snapshotsCompleted");
    }

    @Override
    public void processElement(StreamRecord<SnapshotEntry> record) {
        SnapshotEntry entry = record.getValue();
        SnapshotInterval interval = new SnapshotInterval(entry.intervalStartMillis, intervalMillis);
        open.computeIfAbsent(interval.startMillis(), start -> new SnapshotManifest(interval))
                .add(entry.eventTimeMillis, entry.firstSeenItemId);
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        while (!open.isEmpty() && open.firstEntry().getValue().interval().endMillis() <= mark.getTimestamp()) {
            SnapshotManifest done = open.pollFirstEntry().getValue();
            done.closedAtWatermarkMillis = mark.getTimestamp();
            closed.add(done);
        }
        super.processWatermark(mark);
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        for (SnapshotManifest m : closed) {
            if (m.closedInCheckpoint < 0) {
                m.closedInCheckpoint = context.getCheckpointId();
            }
        }
        openState.update(List.of(JSON.writeValueAsString(new ArrayList<>(open.values()))));
        closedState.update(List.of(JSON.writeValueAsString(closed)));
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
        super.notifyCheckpointComplete(checkpointId);
        List<SnapshotManifest> written = new ArrayList<>();
        for (SnapshotManifest m : closed) {
            if (m.closedInCheckpoint >= 0 && m.closedInCheckpoint < checkpointId) {
                write(m, checkpointId);
                written.add(m);
            }
        }
        closed.removeAll(written);
    }

    private void write(SnapshotManifest m, long checkpointId) throws IOException {
        Path folder = new Path(snapshotDir, m.interval().folderName());
        FileSystem fs = folder.getFileSystem();
        List<String> files = new ArrayList<>();
        FileStatus[] listed = fs.exists(folder) ? fs.listStatus(folder) : new FileStatus[0];
        for (FileStatus status : listed) {
            String name = status.getPath().getName();
            if (!name.startsWith(".") && !name.startsWith("_")) { // committed part files only
                files.add(name);
            }
        }
        files.sort(null);
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("snapshot", m.interval().folderName());
        manifest.put("format", "Avro container files of io.nextitem.avro.TrainingExample (schemas/avro/TrainingExample.avsc)");
        manifest.put("interval_start", Instant.ofEpochMilli(m.intervalStartMillis).toString());
        manifest.put("interval_end", Instant.ofEpochMilli(m.interval().endMillis()).toString());
        manifest.put("examples", m.examples);
        manifest.put("min_event_time_millis", m.minEventTimeMillis);
        manifest.put("max_event_time_millis", m.maxEventTimeMillis);
        manifest.put("watermark_millis", m.closedAtWatermarkMillis);
        manifest.put("new_item_ids", m.newItemIds);
        manifest.put("files", files);
        manifest.put("completed_with_checkpoint", checkpointId);
        Path tmp = new Path(folder, "." + MANIFEST_FILE + ".inprogress");
        try (OutputStream out = fs.create(tmp, FileSystem.WriteMode.OVERWRITE)) {
            out.write(JSON.writeValueAsString(manifest).getBytes(StandardCharsets.UTF_8));
        }
        Path target = new Path(folder, MANIFEST_FILE);
        if (fs.exists(target)) {
            fs.delete(target, false); // a restore repeats a manifest: same content, replaced whole
        }
        if (!fs.rename(tmp, target)) {
            throw new IOException("cannot rename " + tmp + " to " + target);
        }
        completed.inc();
        LOG.info("Snapshot {} complete: {} examples, {} new items, {} files", m.interval().folderName(), m.examples,
                m.newItemIds.size(), files.size());
    }
}
