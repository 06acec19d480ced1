package io.nextitem.snapshot;

import io.nextitem.avro.TrainingExample;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by the example's next item: marks the first time the stream shows an item, for the
 * snapshot manifest's {@code new_item_ids}. The set of items seen lives here, one flag per item in
 * keyed state (RocksDB, checkpointed incrementally), and not in the manifest operator, whose
 * operator state is written whole at every checkpoint: at a catalogue of 10^6 items and more a
 * set held there would upload every id every second.
 */
public final class FirstSightFunction extends KeyedProcessFunction<String, TrainingExample, SnapshotEntry> {
    private static final long serialVersionUID = 1L;

    private transient ValueState<Boolean> seen;

    @Override
    public void open(OpenContext openContext) {
        seen = getRuntimeContext().getState(new ValueStateDescriptor<>("item-seen", Types.BOOLEAN));
    }

    @Override
    public void processElement(TrainingExample example, Context context, Collector<SnapshotEntry> out) throws Exception {
        boolean first = seen.value() == null;
        if (first) {
            seen.update(true);
        }
        out.collect(new SnapshotEntry(example.getSnapshotStartMillis(), example.getNextEventTimeMillis(),
                first ? example.getNextItemId().toString() : null));
    }
}
