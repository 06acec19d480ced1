package io.nextitem.items;

import static org.assertj.core.api.Assertions.assertThat;

import io.nextitem.avro.DeadLetter;
import io.nextitem.avro.DeadLetterReason;
import io.nextitem.io.ClickDecodeFunction;
import io.nextitem.io.RawRecord;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** A bad update becomes a dead letter and still moves the items stage's position; a good one becomes a change. */
class ItemUpdateDecodeFunctionTest {
    @Test
    void deadLettersABadUpdateAndPassesItsPositionOn() throws Exception {
        try (var harness = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new ItemUpdateDecodeFunction(64)))) {
            harness.open();
            byte[] good = ItemUpdatePublisher.bytesOf(ItemRulesFixtures.update("sku-1").setAvailable(false).build());
            harness.processElement(new RawRecord(key("sku-1"), good, "items", 0, 7L, 1L), 1L);
            harness.processElement(new RawRecord(key("sku-2"), new byte[] {9, 9, 9}, "items", 0, 8L, 1L), 1L);

            List<ItemRuleChange> changes = harness.extractOutputValues();
            assertThat(changes).hasSize(2);
            assertThat(changes.get(0).changesRules()).isTrue();
            assertThat(changes.get(0).rule.available).isFalse();
            assertThat(changes.get(1).changesRules()).isFalse();
            assertThat(changes.get(1).offset).isEqualTo(8L);
            List<DeadLetter> letters = harness.getSideOutput(ClickDecodeFunction.DEAD_LETTERS).stream()
                    .map(StreamRecord::getValue).toList();
            assertThat(letters).singleElement().satisfies(letter -> {
                assertThat(letter.getReason()).isEqualTo(DeadLetterReason.UNKNOWN_MAGIC);
                assertThat(letter.getTopic()).isEqualTo("items");
                assertThat(letter.getOffset()).isEqualTo(8L);
            });
        }
    }

    private static byte[] key(String itemId) {
        return itemId.getBytes(StandardCharsets.UTF_8);
    }
}
