package io.nextitem.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.function.Function;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes Avro records to a Kafka topic in single-object encoding (magic, schema fingerprint,
 * datum), so consumers can check the schema of every record they read.
 */
public class AvroSingleObjectSerializer<T extends SpecificRecord> implements KafkaRecordSerializationSchema<T> {
    private static final long serialVersionUID = 1L;

    /** Picks the record key bytes; may return null. Must be serializable. */
    public interface KeyExtractor<T> extends Function<T, byte[]>, java.io.Serializable {}

    private final String topic;
    private final KeyExtractor<T> keyOf;
    private transient BinaryMessageEncoder<T> encoder;

    public AvroSingleObjectSerializer(String topic, KeyExtractor<T> keyOf) {
        this.topic = topic;
        this.keyOf = keyOf;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T record, KafkaSinkContext context, Long timestamp) {
        if (encoder == null) {
            AvroCodecs.useGeneratedCoders();
            encoder = new BinaryMessageEncoder<>(SpecificData.getForSchema(record.getSchema()), record.getSchema());
        }
        try {
            ByteBuffer buffer = encoder.encode(record);
            byte[] value = new byte[buffer.remaining()];
            buffer.get(value);
            return new ProducerRecord<>(topic, null, timestamp, keyOf.apply(record), value);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode " + record.getSchema().getFullName(), e);
        }
    }
}
