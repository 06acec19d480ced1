package io.nextitem.sequence;

import io.nextitem.avro.ClickEvent;
import io.nextitem.avro.TrainingExample;
import io.nextitem.config.SequenceSettings;
import io.nextitem.io.AvroCodecs;
import io.nextitem.sequence.state.SequenceEntry;
import io.nextitem.sequence.state.UserSequenceState;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Keeps each user's recent items in keyed state (RocksDB in the job) and emits the updated
 * sequence for scoring on every click.
 *
 * <p>State design: one Avro value per user ({@link UserSequenceState}) so a click costs one
 * read and one write, and the state schema can evolve across savepoints. The sequence holds
 * the producer's item ids (not model indices), ordered by event time, at most
 * {@code sequence.max-length} entries. A state TTL (refreshed on every write, expired values
 * never returned, cleaned by the RocksDB compaction filter) drops users inactive for
 * {@code sequence.ttl-minutes}, so state does not grow with every user ever seen.
 *
 * <p>A click whose event_id is already in the user's sequence (kept as a 48-bit {@link EventKeys}
 * key, 7 bytes where a UUID is 37) is a producer retry: it is dropped
 * (counted in {@code duplicateClicks}), so it gets no second recommendation and no second
 * training example. Only retries of clicks still among the newest L are recognised.
 *
 * <p>With snapshots on, every click that follows an earlier one also leaves a
 * {@link TrainingExample} on the {@link #TRAINING_EXAMPLES} side output: the entries before it
 * (in event-time order) and the click itself, for fine-tuning.
 */
public class UserSequenceFunction extends KeyedProcessFunction<String, ClickEvent, ScoringRequest> {
    private static final long serialVersionUID = 1L;

    /** Side output: one training example per click that follows at least one earlier click. */
    public static final OutputTag<TrainingExample> TRAINING_EXAMPLES =
            new OutputTag<>("training-examples", new AvroTypeInfo<>(TrainingExample.class));

    private final SequenceSettings settings;
    /** Snapshot interval length in event time; 0 = no training examples. */
    private final long snapshotIntervalMillis;
    private transient ValueState<UserSequenceState> sequence;
    private transient Histogram sequenceLength;
    private transient Counter duplicateClicks;

    public UserSequenceFunction(SequenceSettings settings) {
        this(settings, 0L);
    }

    public UserSequenceFunction(SequenceSettings settings, long snapshotIntervalMillis) {
        this.settings = settings;
        this.snapshotIntervalMillis = snapshotIntervalMillis;
    }

    public static ValueStateDescriptor<UserSequenceState> stateDescriptor(SequenceSettings settings) {
        ValueStateDescriptor<UserSequenceState> descriptor =
                new ValueStateDescriptor<>("user-sequence", new AvroTypeInfo<>(UserSequenceState.class));
        descriptor.enableTimeToLive(settings.stateTtl());
        return descriptor;
    }

    @Override
    public void open(OpenContext openContext) {
        AvroCodecs.useGeneratedCoders(); // state and the clicks arriving over the network
        sequence = getRuntimeContext().getState(stateDescriptor(settings));
        sequenceLength = getRuntimeContext().getMetricGroup()
                .histogram("sequenceLength", new DescriptiveStatisticsHistogram(1000));
        duplicateClicks = getRuntimeContext().getMetricGroup().counter("duplicateClicks");
    }

    @Override
    public void processElement(ClickEvent click, Context ctx, Collector<ScoringRequest> out) throws Exception {
        UserSequenceState current = sequence.value();
        List<SequenceEntry> entries = current == null ? List.of() : current.getEntries();
        if (isRetry(entries, click.getEventId())) {
            duplicateClicks.inc(); // a producer retry: the click was already answered
            return;
        }
        SequenceEntry added = new SequenceEntry(click.getItemId(), click.getEventTimeMillis(), click.getCategory(),
                null, EventKeys.of(click.getEventId()));
        List<SequenceEntry> updated = SequenceUpdate.append(entries, added, settings.maxLength);
        sequence.update(new UserSequenceState(updated));
        sequenceLength.update(updated.size());
        out.collect(toRequest(click, updated));
        if (snapshotIntervalMillis > 0) {
            TrainingExamples.of(click, updated, added, ctx.timerService().currentWatermark(), snapshotIntervalMillis)
                    .ifPresent(example -> ctx.output(TRAINING_EXAMPLES, example));
        }
    }

    /** Whether the user's sequence already holds a click with this event id (newest first: retries come soon). */
    private static boolean isRetry(List<SequenceEntry> entries, String eventId) {
        long key = EventKeys.of(eventId);
        for (int i = entries.size() - 1; i >= 0; i--) {
            SequenceEntry entry = entries.get(i);
            // Entries from before event keys carry the id itself.
            if (entry.getEventKey() == key || eventId.equals(entry.getEventId())) {
                return true;
            }
        }
        return false;
    }

    private static ScoringRequest toRequest(ClickEvent click, List<SequenceEntry> entries) {
        int n = entries.size();
        String[] items = new String[n];
        long[] times = new long[n];
        String[] categories = new String[n];
        for (int i = 0; i < n; i++) {
            SequenceEntry entry = entries.get(i);
            items[i] = entry.getItemId();
            times[i] = entry.getEventTimeMillis();
            categories[i] = entry.getCategory();
        }
        return new ScoringRequest(click.getUserId(), click.getEventId(), click.getEventTimeMillis(), items, times, categories)
                .withTriggerItem(click.getItemId());
    }
}
