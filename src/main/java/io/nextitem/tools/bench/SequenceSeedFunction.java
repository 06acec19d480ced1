package io.nextitem.tools.bench;

import io.nextitem.config.SequenceSettings;
import io.nextitem.sequence.EventKeys;
import io.nextitem.sequence.UserSequenceFunction;
import io.nextitem.sequence.state.SequenceEntry;
import io.nextitem.sequence.state.UserSequenceState;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Writes one user's full sequence into the job's own keyed state (same descriptor, TTL included,
 * run under the same operator uid), so a savepoint of the seeding job restores into the real job
 * as if it had seen max-length clicks of that user: filling 10^6 users costs 10^6 writes instead
 * of 5 x 10^7 clicks. Entries are a minute apart and carry the keys of UUID event ids, as the job
 * writes for what real producers send.
 */
final class SequenceSeedFunction extends KeyedProcessFunction<String, String, Void> {
    private static final long serialVersionUID = 1L;
    private static final long MINUTE_MILLIS = 60_000L;

    private final SequenceSettings sequence;
    private final ArrayList<String> itemPool;
    private final long seed;
    private final long newestEventTimeMillis;
    private transient ValueState<UserSequenceState> state;

    SequenceSeedFunction(SequenceSettings sequence, List<String> itemPool, long seed, long newestEventTimeMillis) {
        this.sequence = sequence;
        this.itemPool = new ArrayList<>(itemPool);
        this.seed = seed;
        this.newestEventTimeMillis = newestEventTimeMillis;
    }

    @Override
    public void open(OpenContext openContext) {
        state = getRuntimeContext().getState(UserSequenceFunction.stateDescriptor(sequence));
    }

    @Override
    public void processElement(String user, Context ctx, Collector<Void> out) throws Exception {
        Random random = new Random(seed * 1_000_003L + user.hashCode());
        int length = sequence.maxLength;
        List<SequenceEntry> entries = new ArrayList<>(length);
        for (int i = 0; i < length; i++) {
            entries.add(new SequenceEntry(itemPool.get(random.nextInt(itemPool.size())),
                    newestEventTimeMillis - (length - 1 - i) * MINUTE_MILLIS, null, null,
                    EventKeys.of(new UUID(random.nextLong(), random.nextLong()).toString())));
        }
        state.update(new UserSequenceState(entries));
    }
}
