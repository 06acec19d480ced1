package io.nextitem.testing;

import io.nextitem.avro.ClickEvent;
import io.nextitem.avro.DeadLetterReason;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/** Broken click payloads, one per way producers break them, each with the reason it must get. */
public final class MalformedClicks {
    private MalformedClicks() {}

    public record Case(String name, byte[] bytes, DeadLetterReason expected) {}

    public static List<Case> all() {
        byte[] valid = singleObject(Clicks.click("u-bad", "i-1", Clicks.T0));
        byte[] unknownFingerprint = valid.clone();
        for (int i = 2; i < 10; i++) {
            unknownFingerprint[i] ^= (byte) 0x5A;
        }
        byte[] garbageDatum = Arrays.copyOf(valid, 10 + 12);
        Arrays.fill(garbageDatum, 10, garbageDatum.length, (byte) 0xFF);
        byte[] oversizedRecord = Arrays.copyOf(valid, 70_000);
        return List.of(
                new Case("empty payload", new byte[0], DeadLetterReason.EMPTY_PAYLOAD),
                new Case("truncated Avro", Arrays.copyOf(valid, valid.length / 2), DeadLetterReason.TRUNCATED),
                new Case("truncated header", Arrays.copyOf(valid, 6), DeadLetterReason.TRUNCATED),
                new Case("wrong magic (JSON)", "{\"user_id\":\"u1\"}".getBytes(), DeadLetterReason.UNKNOWN_MAGIC),
                new Case("wrong magic (C3 02)", withSecondByte(valid, (byte) 0x02), DeadLetterReason.UNKNOWN_MAGIC),
                new Case("unknown fingerprint", unknownFingerprint, DeadLetterReason.UNKNOWN_SCHEMA),
                new Case("unknown Confluent schema id", confluent(4242, valid), DeadLetterReason.UNKNOWN_SCHEMA),
                new Case("garbage datum", garbageDatum, DeadLetterReason.MALFORMED_AVRO),
                new Case("missing user", singleObject(Clicks.click("", "i-1", Clicks.T0)), DeadLetterReason.MISSING_USER_ID),
                new Case("missing item", singleObject(Clicks.click("u-bad", "  ", Clicks.T0)), DeadLetterReason.MISSING_ITEM_ID),
                new Case("negative timestamp", singleObject(Clicks.click("u-bad", "i-1", -1_000L)), DeadLetterReason.INVALID_EVENT_TIME),
                new Case("absurd future timestamp", singleObject(Clicks.click("u-bad", "i-1", 32_503_680_000_000L)),
                        DeadLetterReason.INVALID_EVENT_TIME),
                new Case("oversized field", singleObject(Clicks.click("u-bad", "i".repeat(5_000), Clicks.T0)),
                        DeadLetterReason.OVERSIZED_FIELD),
                new Case("oversized record", oversizedRecord, DeadLetterReason.OVERSIZED_RECORD));
    }

    public static byte[] singleObject(ClickEvent event) {
        try {
            ByteBuffer buffer = event.toByteBuffer();
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Confluent framing around the datum of a single-object record. */
    public static byte[] confluent(int schemaId, byte[] singleObject) {
        ByteBuffer out = ByteBuffer.allocate(5 + singleObject.length - 10);
        out.put((byte) 0).putInt(schemaId).put(singleObject, 10, singleObject.length - 10);
        return out.array();
    }

    private static byte[] withSecondByte(byte[] bytes, byte second) {
        byte[] copy = bytes.clone();
        copy[1] = second;
        return copy;
    }
}
