package io.nextitem.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import io.nextitem.avro.TrainingExample;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** An item is new once in the stream's life, across restores: the set of seen items is keyed state in RocksDB. */
class FirstSightFunctionTest {
    private static final long QUARTER_HOUR = 15 * 60_000L;
    private static final long T0 = 1_767_225_600_000L;

    private static KeyedOneInputStreamOperatorTestHarness<String, TrainingExample, SnapshotEntry> harness() throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new FirstSightFunction()),
                (TrainingExample e) -> e.getNextItemId().toString(), Types.STRING);
        h.setStateBackend(new EmbeddedRocksDBStateBackend());
        return h;
    }

    private static TrainingExample example(String next, long time) {
        return TrainingExample.newBuilder().setEventId("e" + time).setUserId("u").setPrefixItemIds(List.of("p"))
                .setPrefixEventTimesMillis(List.of(time - 1)).setPrefixCategories(java.util.Arrays.asList((String) null))
                .setNextItemId(next).setNextEventTimeMillis(time)
                .setSnapshotStartMillis(SnapshotInterval.of(time, QUARTER_HOUR).startMillis()).build();
    }

    @Test
    void everyExampleIsPassedOnAndOnlyAnItemsFirstSightNamesIt() throws Exception {
        var h = harness();
        h.open();
        h.processElement(example("a", T0 + 1), T0 + 1);
        h.processElement(example("b", T0 + 2), T0 + 2);
        h.processElement(example("a", T0 + QUARTER_HOUR + 3), T0 + QUARTER_HOUR + 3);
        List<SnapshotEntry> out = h.extractOutputValues();
        assertThat(out).extracting(e -> e.firstSeenItemId).containsExactly("a", "b", null);
        assertThat(out).extracting(e -> e.eventTimeMillis).containsExactly(T0 + 1, T0 + 2, T0 + QUARTER_HOUR + 3);
        assertThat(out.get(2).intervalStartMillis).isEqualTo(T0 + QUARTER_HOUR);
        h.close();
    }

    @Test
    void itemsStaySeenAfterARestore() throws Exception {
        var first = harness();
        first.open();
        first.processElement(example("a", T0 + 1), T0 + 1);
        OperatorSubtaskState checkpoint = first.snapshot(1, 1);
        first.close();

        var restored = harness();
        restored.initializeState(checkpoint);
        restored.open();
        restored.processElement(example("a", T0 + 2), T0 + 2);
        restored.processElement(example("c", T0 + 3), T0 + 3);
        assertThat(restored.extractOutputValues()).extracting(e -> e.firstSeenItemId).containsExactly(null, "c");
        restored.close();
    }
}
