package io.nextitem.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Manifests appear only when a snapshot folder can no longer change: after the watermark passed
 * the interval and a checkpoint after that point completed; a restore in between still writes it.
 */
class SnapshotManifestOperatorTest {
    private static final long QUARTER_HOUR = 15 * 60_000L;
    private static final long T0 = 1_767_225_600_000L;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path snapshots;

    private OneInputStreamOperatorTestHarness<SnapshotEntry, Void> harness() throws Exception {
        return new OneInputStreamOperatorTestHarness<>(new SnapshotManifestOperator(snapshots.toUri().toString(), QUARTER_HOUR));
    }

    /** An example's entry as FirstSightFunction hands it on: firstSeen is its item the first time, else null. */
    private static SnapshotEntry example(String firstSeen, long time) {
        return new SnapshotEntry(SnapshotInterval.of(time, QUARTER_HOUR).startMillis(), time, firstSeen);
    }

    private Path manifestOf(long intervalStart) {
        return snapshots.resolve(new SnapshotInterval(intervalStart, QUARTER_HOUR).folderName()).resolve(SnapshotManifestOperator.MANIFEST_FILE);
    }

    @Test
    void theManifestWaitsForACheckpointAfterTheIntervalClosed() throws Exception {
        Path folder = Files.createDirectories(snapshots.resolve("snapshot-20260101T000000Z"));
        Files.writeString(folder.resolve("part-0-0.avro"), "committed by the FileSink");
        Files.writeString(folder.resolve(".part-1-0.avro.inprogress.x"), "not committed yet");
        var h = harness();
        h.open();
        h.processElement(example("a", T0 + 1_000), T0 + 1_000);
        h.processElement(example("b", T0 + 2_000), T0 + 2_000);
        h.processElement(example(null, T0 + 3_000), T0 + 3_000); // a again
        h.processElement(example("c", T0 + QUARTER_HOUR + 5), T0 + QUARTER_HOUR + 5);
        h.snapshot(1, 1);
        h.notifyOfCompletedCheckpoint(1);
        h.processWatermark(T0 + QUARTER_HOUR + 10); // the first interval is complete
        assertThat(manifestOf(T0)).doesNotExist();

        h.snapshot(2, 2);
        h.notifyOfCompletedCheckpoint(2);
        assertThat(manifestOf(T0)).as("checkpoint 2 was the first after the close: its files may not be committed yet").doesNotExist();

        h.snapshot(3, 3);
        h.notifyOfCompletedCheckpoint(3);
        JsonNode manifest = JSON.readTree(manifestOf(T0).toFile());
        assertThat(manifest.get("examples").asLong()).isEqualTo(3);
        assertThat(manifest.get("min_event_time_millis").asLong()).isEqualTo(T0 + 1_000);
        assertThat(manifest.get("max_event_time_millis").asLong()).isEqualTo(T0 + 3_000);
        assertThat(manifest.get("new_item_ids")).extracting(JsonNode::asText).containsExactly("a", "b");
        assertThat(manifest.get("files")).extracting(JsonNode::asText).containsExactly("part-0-0.avro");
        assertThat(manifest.get("interval_end").asText()).isEqualTo("2026-01-01T00:15:00Z");
        assertThat(manifestOf(T0 + QUARTER_HOUR)).as("the second interval is still open").doesNotExist();
        h.close();
    }

    @Test
    void aRestoreBetweenCloseAndManifestStillWritesIt() throws Exception {
        var first = harness();
        first.open();
        first.processElement(example("a", T0 + 1_000), T0 + 1_000);
        first.processWatermark(T0 + QUARTER_HOUR);
        OperatorSubtaskState checkpoint = first.snapshot(7, 7);
        first.close(); // the failure: checkpoint 7 never reported complete here

        var restored = harness();
        restored.initializeState(checkpoint);
        restored.open();
        restored.processElement(example(null, T0 + QUARTER_HOUR + 1), T0 + QUARTER_HOUR + 1);
        restored.processWatermark(T0 + 2 * QUARTER_HOUR);
        restored.snapshot(8, 8);
        restored.notifyOfCompletedCheckpoint(8);

        assertThat(JSON.readTree(manifestOf(T0).toFile()).get("examples").asLong()).isEqualTo(1);
        assertThat(manifestOf(T0 + QUARTER_HOUR)).as("closed in checkpoint 8: written at the next").doesNotExist();
        restored.snapshot(9, 9);
        restored.notifyOfCompletedCheckpoint(9);
        JsonNode second = JSON.readTree(manifestOf(T0 + QUARTER_HOUR).toFile());
        assertThat(second.get("examples").asLong()).isEqualTo(1);
        assertThat(second.get("new_item_ids")).isEmpty();
        restored.close();
    }
}
