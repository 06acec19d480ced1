package io.nextitem.inference;

import io.nextitem.avro.ModelUpdate;
import io.nextitem.avro.ModelUpdateAction;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operators' pin on model.updates-topic, as one recommend subtask sees it: the topic is read
 * from the beginning (every subtask, no consumer group: each must know the whole history, and
 * after a restart the newest command still holds), and the newest command wins. Read on the
 * registry watcher's thread, never on the hot path.
 */
final class ModelUpdatesReader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelUpdatesReader.class);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;
    private String pinned;

    ModelUpdatesReader(String bootstrapServers, String topic, Map<String, String> clientProperties) {
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "nextitem-model-updates-" + UUID.randomUUID());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        this.consumer = new KafkaConsumer<>(props);
        this.topic = topic;
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        if (partitions.isEmpty()) {
            consumer.close();
            throw new IllegalStateException("model.updates-topic '" + topic + "' does not exist (yet)");
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Reads what arrived since the last call; @return the pinned version, or null when none is pinned. */
    String pinned() {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(50))) {
            apply(record);
        }
        return pinned;
    }

    private void apply(ConsumerRecord<byte[], byte[]> record) {
        ModelUpdate update;
        try {
            update = ModelUpdate.fromByteBuffer(ByteBuffer.wrap(record.value()));
        } catch (Exception e) {
            // An operator's typo must not stop inference: skip it, loudly.
            LOG.warn("{}: record at partition {} offset {} is not a ModelUpdate, skipped: {}", topic, record.partition(),
                    record.offset(), e.getMessage());
            return;
        }
        if (update.getAction() == ModelUpdateAction.PIN && (update.getVersion() == null || update.getVersion().isBlank())) {
            LOG.warn("{}: PIN without a version at offset {}, skipped", topic, record.offset());
            return;
        }
        pinned = update.getAction() == ModelUpdateAction.PIN ? update.getVersion() : null;
        LOG.info("{}: {} {} ({})", topic, update.getAction(), pinned == null ? "" : pinned,
                update.getReason() == null ? "no reason given" : update.getReason());
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
