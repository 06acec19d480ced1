package io.nextitem.tools.replay;

import io.nextitem.avro.Recommendation;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads recommendations the way a downstream service must: read_committed, so only lists from
 * completed checkpoints (exactly-once) are seen.
 */
public final class RecommendationReader implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;

    public RecommendationReader(String bootstrapServers, String topic, boolean fromBeginning) {
        this(bootstrapServers, topic, fromBeginning, true);
    }

    /**
     * @param readCommitted true for what a consumer of the exactly-once job sees (lists appear
     *                      when their checkpoint completes); false to see records as written
     */
    public RecommendationReader(String bootstrapServers, String topic, boolean fromBeginning, boolean readCommitted) {
        this(bootstrapServers, topic, fromBeginning, readCommitted, java.util.Map.of());
    }

    /** @param clientProperties extra consumer settings, e.g. {@code KafkaSettings#clientProperties()} for a secured cluster */
    public RecommendationReader(String bootstrapServers, String topic, boolean fromBeginning, boolean readCommitted,
                                java.util.Map<String, ?> clientProperties) {
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "nextitem-reader-" + UUID.randomUUID());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, readCommitted ? "read_committed" : "read_uncommitted");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, fromBeginning ? "earliest" : "latest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        this.consumer = new KafkaConsumer<>(props);
        consumer.subscribe(List.of(topic));
    }

    /** @return the recommendations that arrived within the timeout (possibly none) */
    public List<Recommendation> poll(Duration timeout) throws IOException {
        List<Recommendation> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(timeout)) {
            out.add(Recommendation.fromByteBuffer(ByteBuffer.wrap(record.value())));
        }
        return out;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
