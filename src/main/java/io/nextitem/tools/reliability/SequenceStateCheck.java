package io.nextitem.tools.reliability;

import io.nextitem.avro.ClickEvent;
import io.nextitem.config.SequenceSettings;
import io.nextitem.sequence.UserSequenceFunction;
import io.nextitem.sequence.state.SequenceEntry;
import io.nextitem.sequence.state.UserSequenceState;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.SavepointReader;
import org.apache.flink.state.api.functions.KeyedStateReaderFunction;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.Collector;

/**
 * Reads every user's sequence out of a savepoint of the job (Flink's State Processor API, the
 * same descriptor the job writes with) and compares it with what the input implies: the user's
 * newest {@code max-length} clicks in event-time order, each once.
 *
 * @param users      users in the savepoint
 * @param mismatched users whose stored items differ from the expected ones (missing users count)
 */
record SequenceStateCheck(long users, long mismatched) {

    static SequenceStateCheck of(Path savepoint, SequenceSettings settings, List<ClickEvent> sent) throws Exception {
        Map<String, List<String>> expected = expectedSequences(sent, settings.maxLength);
        Map<String, List<String>> stored = read(savepoint, settings);
        long mismatched = 0;
        for (Map.Entry<String, List<String>> user : expected.entrySet()) {
            if (!user.getValue().equals(stored.get(user.getKey()))) {
                mismatched++;
            }
        }
        mismatched += stored.keySet().stream().filter(u -> !expected.containsKey(u)).count();
        return new SequenceStateCheck(stored.size(), mismatched);
    }

    static Map<String, List<String>> expectedSequences(List<ClickEvent> sent, int maxLength) {
        Map<String, List<ClickEvent>> byUser = new HashMap<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (ClickEvent click : sent) {
            if (seen.add(click.getEventId())) {
                byUser.computeIfAbsent(click.getUserId(), u -> new ArrayList<>()).add(click);
            }
        }
        Map<String, List<String>> expected = new HashMap<>();
        byUser.forEach((user, clicks) -> {
            List<ClickEvent> ordered = new ArrayList<>(clicks);
            ordered.sort(Comparator.comparingLong(ClickEvent::getEventTimeMillis)); // stable: ties keep arrival order
            List<ClickEvent> newest = ordered.subList(Math.max(0, ordered.size() - maxLength), ordered.size());
            expected.put(user, newest.stream().map(ClickEvent::getItemId).toList());
        });
        return expected;
    }

    private static Map<String, List<String>> read(Path savepoint, SequenceSettings settings) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
        SavepointReader reader = SavepointReader.read(env, savepoint.toUri().toString(), new EmbeddedRocksDBStateBackend());
        TypeInformation<Tuple2<String, List<String>>> rowType = Types.TUPLE(Types.STRING, Types.LIST(Types.STRING));
        Map<String, List<String>> stored = new HashMap<>();
        try (CloseableIterator<Tuple2<String, List<String>>> rows = reader
                .readKeyedState(OperatorIdentifier.forUid("user-sequence"), new SequenceReader(settings), Types.STRING, rowType)
                .executeAndCollect()) {
            rows.forEachRemaining(row -> stored.put(row.f0, row.f1));
        }
        return stored;
    }

    /** One row per user: the item ids in the stored order. */
    private static final class SequenceReader extends KeyedStateReaderFunction<String, Tuple2<String, List<String>>> {
        private static final long serialVersionUID = 1L;
        private final SequenceSettings settings;
        private transient ValueState<UserSequenceState> sequence;

        SequenceReader(SequenceSettings settings) {
            this.settings = settings;
        }

        @Override
        public void open(OpenContext context) {
            sequence = getRuntimeContext().getState(UserSequenceFunction.stateDescriptor(settings));
        }

        @Override
        public void readKey(String user, Context context, Collector<Tuple2<String, List<String>>> out) throws Exception {
            UserSequenceState state = sequence.value();
            if (state != null) {
                out.collect(Tuple2.of(user, state.getEntries().stream().map(SequenceEntry::getItemId).toList()));
            }
        }
    }
}
