package io.nextitem.kafka;

import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The consumer of every reader that takes a control topic whole (model decisions, item rules, the
 * decision history): bytes in (the callers decode Avro themselves), committed records only, as the
 * job's exactly-once writers publish them, and no group and no committed offsets, since each reader
 * assigns partitions and seeks itself.
 */
public final class ByteConsumers {
    private ByteConsumers() {}

    /**
     * @param clientProperties extra consumer settings, e.g. {@code KafkaSettings#clientProperties()} for a secured cluster
     * @param clientIdPrefix   names the reader in the broker's logs and metrics; a random suffix keeps ids apart
     */
    public static KafkaConsumer<byte[], byte[]> openReadCommitted(String bootstrapServers, Map<String, ?> clientProperties,
                                                                  String clientIdPrefix) {
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientIdPrefix + "-" + UUID.randomUUID());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return new KafkaConsumer<>(props);
    }
}
