package io.nextitem.sequence;

import static io.nextitem.testing.Clicks.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.nextitem.avro.ClickEvent;
import io.nextitem.avro.TrainingExample;
import io.nextitem.config.SequenceSettings;
import io.nextitem.testing.Clicks;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sequence stage's training examples (snapshots on), on RocksDB through the keyed harness. */
class TrainingExampleOutputTest {
    private static final long INTERVAL_MILLIS = 15 * 60_000L;

    private KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, ScoringRequest> harness;

    @BeforeEach
    void start() throws Exception {
        SequenceSettings settings = new SequenceSettings();
        settings.maxLength = 3;
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new UserSequenceFunction(settings, INTERVAL_MILLIS)), ClickEvent::getUserId, Types.STRING);
        harness.setStateBackend(new EmbeddedRocksDBStateBackend());
        harness.open();
    }

    @AfterEach
    void stop() throws Exception {
        harness.close();
    }

    private void click(String user, String item, long time, String category) throws Exception {
        harness.processElement(Clicks.click(user, item, time, category), time);
    }

    private List<TrainingExample> examples() {
        return harness.getSideOutput(UserSequenceFunction.TRAINING_EXAMPLES).stream().map(StreamRecord::getValue).toList();
    }

    @Test
    void everyClickAfterTheFirstIsAnExampleOfItsPrefix() throws Exception {
        click("u1", "a", T0, "books");
        click("u1", "b", T0 + 1_000, null);
        click("u2", "x", T0 + 2_000, null);
        click("u1", "c", T0 + 3_000, "games");

        List<TrainingExample> examples = examples();
        assertThat(examples).extracting(TrainingExample::getNextItemId).containsExactly("b", "c");
        TrainingExample last = examples.get(1);
        assertThat(last.getPrefixItemIds()).containsExactly("a", "b");
        assertThat(last.getPrefixEventTimesMillis()).containsExactly(T0, T0 + 1_000);
        assertThat(last.getPrefixCategories()).containsExactly("books", null);
        assertThat(last.getNextCategory()).isEqualTo("games");
        assertThat(last.getEventId()).isEqualTo("u1/c/" + (T0 + 3_000));
        assertThat(last.getSnapshotStartMillis()).isEqualTo(T0); // T0 is on a 15-minute boundary
    }

    @Test
    void aLateClickTakesOnlyTheOlderEntriesAndJoinsTheOpenInterval() throws Exception {
        click("u1", "a", T0, null);
        click("u1", "c", T0 + 20 * 60_000L, null);
        harness.processWatermark(T0 + 16 * 60_000L); // the first interval is complete
        click("u1", "b", T0 + 60_000L, null); // late: its own interval has closed

        TrainingExample late = examples().get(1);
        assertThat(late.getNextItemId()).isEqualTo("b");
        assertThat(late.getPrefixItemIds()).as("what came before it in event time").containsExactly("a");
        assertThat(late.getNextEventTimeMillis()).isEqualTo(T0 + 60_000L);
        assertThat(late.getSnapshotStartMillis()).as("the interval the watermark is in").isEqualTo(T0 + INTERVAL_MILLIS);
    }

    @Test
    void aClickOlderThanAFullSequenceIsNoExample() throws Exception {
        click("u1", "a", T0 + 1_000, null);
        click("u1", "b", T0 + 2_000, null);
        click("u1", "c", T0 + 3_000, null);
        click("u1", "old", T0, null); // older than all three, sequence full: not kept

        assertThat(examples()).extracting(TrainingExample::getNextItemId).containsExactly("b", "c");
    }
}
