package io.nextitem.items;

import static io.nextitem.items.ItemRulesFixtures.update;
import static org.assertj.core.api.Assertions.assertThat;

import io.nextitem.avro.DeadLetterReason;
import io.nextitem.io.RawRecord;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Every kind of bad item update is refused with its reason; good ones and tombstones pass. */
class ItemUpdateDecoderTest {
    private final ItemUpdateDecoder decoder = new ItemUpdateDecoder(64);

    private static RawRecord record(String key, byte[] value) {
        return new RawRecord(key == null ? null : key.getBytes(StandardCharsets.UTF_8), value, "items", 2, 41L, 1L);
    }

    private static byte[] encoded(io.nextitem.avro.ItemUpdate update) throws Exception {
        return ItemUpdatePublisher.bytesOf(update);
    }

    @Test
    void acceptsAnUpdateAndATombstoneWithTheirPosition() throws Exception {
        var accepted = (ItemUpdateDecoder.Accepted) decoder.decode(record("sku-1",
                encoded(update("sku-1").setAvailable(false).setCategory("shoes").setValidUntilMillis(99L).build())));
        assertThat(accepted.change().itemId).isEqualTo("sku-1");
        assertThat(accepted.change().rule.available).isFalse();
        assertThat(accepted.change().rule.category).isEqualTo("shoes");
        assertThat(accepted.change().rule.validUntilMillis).isEqualTo(99L);
        assertThat(accepted.change().rule.validFromMillis).isNull();
        assertThat(accepted.change().partition).isEqualTo(2);
        assertThat(accepted.change().offset).isEqualTo(41L);

        var tombstone = (ItemUpdateDecoder.Accepted) decoder.decode(record("sku-1", null));
        assertThat(tombstone.change().rule).isNull();
        assertThat(tombstone.change().itemId).isEqualTo("sku-1");
    }

    @Test
    void refusesEachKindOfBadUpdateWithItsReason() throws Exception {
        byte[] good = encoded(update("sku-1").build());
        byte[] unknownFingerprint = good.clone();
        unknownFingerprint[5] ^= 0x55;
        byte[] badMagic = good.clone();
        badMagic[0] = 0x00;
        byte[] truncated = Arrays.copyOf(good, good.length - 3);

        assertThat(reason(record(null, null))).isEqualTo(DeadLetterReason.MISSING_ITEM_ID);
        assertThat(reason(record("sku-1", new byte[0]))).isEqualTo(DeadLetterReason.EMPTY_PAYLOAD);
        assertThat(reason(record("sku-1", unknownFingerprint))).isEqualTo(DeadLetterReason.UNKNOWN_SCHEMA);
        assertThat(reason(record("sku-1", badMagic))).isEqualTo(DeadLetterReason.UNKNOWN_MAGIC);
        assertThat(reason(record("sku-1", truncated))).isEqualTo(DeadLetterReason.MALFORMED_AVRO);
        assertThat(reason(record("sku-2", good))).isEqualTo(DeadLetterReason.INVALID_ID);
        assertThat(reason(record("", encoded(update("").build())))).isEqualTo(DeadLetterReason.MISSING_ITEM_ID);
        assertThat(reason(record("sku-1", encoded(update("sku-1").setValidFromMillis(10L).setValidUntilMillis(10L).build()))))
                .isEqualTo(DeadLetterReason.INVALID_ITEM_UPDATE);
        assertThat(reason(record("x".repeat(65), null))).isEqualTo(DeadLetterReason.OVERSIZED_FIELD);
        assertThat(reason(new RawRecord(new byte[] {(byte) 0xC3, 0x28}, null, "items", 0, 0L, 0L)))
                .isEqualTo(DeadLetterReason.INVALID_ID);
        assertThat(reason(record("a\u0007b", null))).isEqualTo(DeadLetterReason.INVALID_ID);
    }

    private DeadLetterReason reason(RawRecord raw) {
        ItemUpdateDecoder.Outcome outcome = decoder.decode(raw);
        assertThat(outcome).isInstanceOf(ItemUpdateDecoder.Rejected.class);
        ItemUpdateDecoder.Rejected rejected = (ItemUpdateDecoder.Rejected) outcome;
        assertThat(rejected.message()).isNotBlank();
        return rejected.reason();
    }
}
