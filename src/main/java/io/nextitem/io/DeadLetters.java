package io.nextitem.io;

import io.nextitem.avro.DeadLetter;
import java.nio.ByteBuffer;

/** Builds the dead-letter record for a raw record that could not be accepted. */
public final class DeadLetters {
    private DeadLetters() {}

    public static DeadLetter of(RawRecord raw, DecodeOutcome.Rejected rejected, long nowMillis) {
        return DeadLetter.newBuilder()
                .setReason(rejected.reason())
                .setMessage(rejected.message())
                .setOriginalBytes(ByteBuffer.wrap(raw.value == null ? new byte[0] : raw.value))
                .setOriginalKey(raw.key == null ? null : ByteBuffer.wrap(raw.key))
                .setTopic(raw.topic == null ? "" : raw.topic)
                .setPartition(raw.partition)
                .setOffset(raw.offset)
                .setRecordTimeMillis(raw.timestampMillis)
                .setDeadLetterTimeMillis(nowMillis)
                .build();
    }
}
