package io.nextitem.io;

/**
 * A Kafka record exactly as read, before any decoding. The source emits these so that no
 * payload can fail the source: decoding happens in {@link ClickDecodeFunction}, which turns
 * failures into dead letters that still carry the original bytes and position.
 */
public class RawRecord {
    public byte[] key;
    public byte[] value;
    public String topic;
    public int partition;
    public long offset;
    public long timestampMillis;

    public RawRecord() {}

    public RawRecord(byte[] key, byte[] value, String topic, int partition, long offset, long timestampMillis) {
        this.key = key;
        this.value = value;
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.timestampMillis = timestampMillis;
    }
}
