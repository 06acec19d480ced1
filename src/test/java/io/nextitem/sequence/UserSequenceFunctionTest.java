package io.nextitem.sequence;

import static io.nextitem.testing.Clicks.T0;
import static io.nextitem.testing.Clicks.click;
import static org.assertj.core.api.Assertions.assertThat;

import io.nextitem.avro.ClickEvent;
import io.nextitem.config.SequenceSettings;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sequence state on RocksDB, driven through Flink's keyed operator harness. */
class UserSequenceFunctionTest {
    private static final long TTL_MINUTES = 5;

    private KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, ScoringRequest> harness;

    @BeforeEach
    void startHarness() throws Exception {
        harness = harnessWith(3);
        harness.open();
    }

    @AfterEach
    void closeHarness() throws Exception {
        harness.close();
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, ClickEvent, ScoringRequest> harnessWith(int maxLength)
            throws Exception {
        SequenceSettings settings = new SequenceSettings();
        settings.maxLength = maxLength;
        settings.ttlMinutes = TTL_MINUTES;
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new UserSequenceFunction(settings)), ClickEvent::getUserId, Types.STRING);
        h.setStateBackend(new EmbeddedRocksDBStateBackend());
        return h;
    }

    private void click(String user, String item, long time) throws Exception {
        harness.processElement(io.nextitem.testing.Clicks.click(user, item, time), time);
    }

    private ScoringRequest lastOutput() {
        List<ScoringRequest> out = harness.extractOutputValues();
        return out.get(out.size() - 1);
    }

    @Test
    void emitsOneRequestPerClickWithTheSequenceSoFar() throws Exception {
        click("u1", "a", T0);
        click("u1", "b", T0 + 1_000);
        click("u2", "x", T0 + 2_000);

        List<ScoringRequest> out = harness.extractOutputValues();
        assertThat(out).hasSize(3);
        assertThat(out.get(1).itemIds).containsExactly("a", "b");
        assertThat(out.get(1).triggerEventId).isEqualTo("u1/b/" + (T0 + 1_000));
        assertThat(out.get(2).itemIds).containsExactly("x");
        assertThat(out.get(2).userId).isEqualTo("u2");
    }

    @Test
    void keepsOnlyTheNewestMaxLengthItems() throws Exception {
        for (int i = 0; i < 10; i++) {
            click("u1", "i" + i, T0 + i * 1_000L);
        }
        assertThat(lastOutput().itemIds).containsExactly("i7", "i8", "i9");
        assertThat(lastOutput().eventTimesMillis).containsExactly(T0 + 7_000, T0 + 8_000, T0 + 9_000);
    }

    @Test
    void ordersByEventTimeNotArrival() throws Exception {
        click("u1", "late", T0 + 3_000);
        click("u1", "early", T0 + 1_000);
        click("u1", "middle", T0 + 2_000);
        assertThat(lastOutput().itemIds).containsExactly("early", "middle", "late");
    }

    @Test
    void aClickOlderThanAFullSequenceIsNotKept() throws Exception {
        click("u1", "a", T0 + 10_000);
        click("u1", "b", T0 + 11_000);
        click("u1", "c", T0 + 12_000);
        click("u1", "ancient", T0);
        assertThat(lastOutput().itemIds).containsExactly("a", "b", "c");
    }

    @Test
    void stateExpiresAfterTtlWithoutClicks() throws Exception {
        harness.setStateTtlProcessingTime(0);
        click("u1", "a", T0);
        click("u1", "b", T0 + 1);

        harness.setStateTtlProcessingTime(TimeUnit.MINUTES.toMillis(TTL_MINUTES) + 1);
        click("u1", "c", T0 + 2);

        assertThat(lastOutput().itemIds).as("an expired sequence starts over").containsExactly("c");
    }

    @Test
    void aClickRefreshesTheTtl() throws Exception {
        harness.setStateTtlProcessingTime(0);
        click("u1", "a", T0);
        harness.setStateTtlProcessingTime(TimeUnit.MINUTES.toMillis(TTL_MINUTES) - 1);
        click("u1", "b", T0 + 1);
        harness.setStateTtlProcessingTime(TimeUnit.MINUTES.toMillis(TTL_MINUTES) + 10);
        click("u1", "c", T0 + 2);
        assertThat(lastOutput().itemIds).containsExactly("a", "b", "c");
    }

    @Test
    void sequenceSurvivesSnapshotAndRestore() throws Exception {
        click("u1", "a", T0);
        click("u1", "b", T0 + 1);
        var snapshot = harness.snapshot(1L, 1L);
        harness.close();

        harness = harnessWith(3);
        harness.initializeState(snapshot);
        harness.open();
        click("u1", "c", T0 + 2);
        assertThat(lastOutput().itemIds).containsExactly("a", "b", "c");
    }

    @Test
    void aProducerRetryOfAClickGetsNoSecondRequest() throws Exception {
        ClickEvent first = io.nextitem.testing.Clicks.click("u1", "a", T0);
        harness.processElement(first, T0);
        harness.processElement(io.nextitem.testing.Clicks.click("u1", "b", T0 + 1_000), T0 + 1_000);
        harness.processElement(ClickEvent.newBuilder(first).build(), T0); // the same event id again
        harness.processElement(io.nextitem.testing.Clicks.click("u2", "a", T0), T0); // same item and time, another user

        assertThat(harness.extractOutputValues()).extracting(r -> r.triggerEventId)
                .containsExactly(first.getEventId(), "u1/b/" + (T0 + 1_000), "u2/a/" + T0);
        assertThat(lastOutput().itemIds).containsExactly("a");
    }

    @Test
    void aRetryOfAClickKeptBeforeEventKeysIsStillRecognised() throws Exception {
        // State as jobs before event keys wrote it: the event id itself, key 0.
        SequenceSettings settings = new SequenceSettings();
        settings.maxLength = 3;
        settings.ttlMinutes = TTL_MINUTES;
        var backend = harness.getOperator().getKeyedStateBackend();
        backend.setCurrentKey("u1");
        backend.getPartitionedState(org.apache.flink.runtime.state.VoidNamespace.INSTANCE,
                        org.apache.flink.runtime.state.VoidNamespaceSerializer.INSTANCE,
                        UserSequenceFunction.stateDescriptor(settings))
                .update(new io.nextitem.sequence.state.UserSequenceState(List.of(
                        new io.nextitem.sequence.state.SequenceEntry("a", T0, null, "legacy-id", 0L))));

        ClickEvent retry = io.nextitem.testing.Clicks.click("u1", "a", T0);
        retry.setEventId("legacy-id");
        harness.processElement(retry, T0);
        assertThat(harness.extractOutputValues()).isEmpty();

        click("u1", "b", T0 + 1_000);
        assertThat(lastOutput().itemIds).containsExactly("a", "b");
        // The new entry is kept by key only: no id string in state any more.
        click("u1", "c", T0 + 2_000);
        assertThat(harness.extractOutputValues()).hasSize(2);
    }
}
