package io.nextitem.kafka;

import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The producer every command that writes records uses (click replay, model decisions, item rules):
 * bytes in and out (the callers encode Avro single-object themselves), idempotent with acks=all,
 * so a retry neither loses nor reorders a key's records.
 */
public final class ByteProducers {
    private ByteProducers() {}

    /** @param clientProperties extra producer settings, e.g. {@code KafkaSettings#clientProperties()} for a secured cluster */
    public static KafkaProducer<byte[], byte[]> open(String bootstrapServers, Map<String, ?> clientProperties) {
        return open(bootstrapServers, clientProperties, Map.of());
    }

    /** @param tuning settings of this caller's own (e.g. linger), applied last */
    public static KafkaProducer<byte[], byte[]> open(String bootstrapServers, Map<String, ?> clientProperties,
                                                     Map<String, ?> tuning) {
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.putAll(tuning);
        return new KafkaProducer<>(props);
    }
}
