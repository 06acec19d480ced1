package io.nextitem.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.nextitem.avro.ClickEvent;
import io.nextitem.avro.DeadLetter;
import io.nextitem.config.DecoderSettings;
import io.nextitem.testing.Clicks;
import io.nextitem.testing.MalformedClicks;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** Valid clicks pass; every malformed kind becomes a dead letter with its position and bytes. */
class ClickDecodeFunctionTest {

    @Test
    void routesBadRecordsToTheDeadLetterOutputWithoutThrowing() throws Exception {
        var harness = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new ClickDecodeFunction(new DecoderSettings())));
        harness.open();
        ClickEvent good = Clicks.click("u1", "i1", Clicks.T0);
        harness.processElement(new RawRecord("u1".getBytes(), MalformedClicks.singleObject(good), "clicks", 0, 7L, 1L), 1L);
        List<MalformedClicks.Case> bad = MalformedClicks.all();
        for (int i = 0; i < bad.size(); i++) {
            harness.processElement(new RawRecord(null, bad.get(i).bytes(), "clicks", 1, 100L + i, 2L), 2L);
        }

        assertThat(harness.extractOutputValues()).containsExactly(good);
        List<DeadLetter> deadLetters = harness.getSideOutput(ClickDecodeFunction.DEAD_LETTERS).stream()
                .map(StreamRecord::getValue).toList();
        assertThat(deadLetters).hasSize(bad.size());
        for (int i = 0; i < bad.size(); i++) {
            DeadLetter letter = deadLetters.get(i);
            assertThat(letter.getReason()).as(bad.get(i).name()).isEqualTo(bad.get(i).expected());
            assertThat(letter.getOffset()).isEqualTo(100L + i);
            assertThat(letter.getPartition()).isEqualTo(1);
            assertThat(letter.getOriginalBytes()).isEqualTo(ByteBuffer.wrap(bad.get(i).bytes()));
        }
        harness.close();
    }
}
