package io.nextitem.inference;

import io.nextitem.avro.ModelUpdate;
import io.nextitem.kafka.ByteConsumers;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The serving decision on model.updates-topic ({@link Rollout}: pin and canary), as one recommend
 * subtask sees it: the topic is read from the beginning (every subtask, no consumer group: each
 * must know the whole history, and after a restart the decision still holds), every command folded
 * in order. Read on the registry watcher's thread, never on the hot path.
 */
final class ModelUpdatesReader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelUpdatesReader.class);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;
    private Rollout rollout = Rollout.NONE;
    /** Candidates promoted or aborted so far: the automatic policy never tries one again. */
    private final java.util.Set<String> decided = new java.util.HashSet<>();

    ModelUpdatesReader(String bootstrapServers, String topic, Map<String, String> clientProperties) {
        this.consumer = ByteConsumers.openReadCommitted(bootstrapServers, clientProperties, "nextitem-model-updates");
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

    /** Reads what arrived since the last call; @return the decision now. */
    Rollout rollout() {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(50))) {
            apply(record);
        }
        return rollout;
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
        try {
            Rollout next = rollout.apply(update);
            if (rollout.canary() != null && next.canary() == null) {
                decided.add(rollout.canary().candidate()); // promoted, aborted, or overridden by a pin
            }
            rollout = next;
        } catch (IllegalArgumentException e) {
            LOG.warn("{}: {} at offset {}, skipped", topic, e.getMessage(), record.offset());
            return;
        }
        LOG.info("{}: {} {} by {} ({}): now {}", topic, update.getAction(), update.getVersion() == null ? "" : update.getVersion(),
                update.getIssuedBy() == null ? "an operator" : update.getIssuedBy(),
                update.getReason() == null ? "no reason given" : update.getReason(), rollout);
    }

    /** Whether a canary of this version has ended (promoted, aborted, or overridden), as far as read. */
    boolean decided(String version) {
        return decided.contains(version);
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
