package io.nextitem.job;

import io.nextitem.avro.DeadLetter;
import io.nextitem.avro.LiveJudgement;
import io.nextitem.avro.ModelUpdate;
import io.nextitem.avro.Recommendation;
import io.nextitem.config.KafkaSettings;
import io.nextitem.io.AvroSingleObjectSerializer;
import io.nextitem.io.RawRecord;
import io.nextitem.io.RawRecordDeserializationSchema;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/** The job's Kafka sources (clicks, item rules) and its sinks (exactly-once unless configured otherwise), built from {@link KafkaSettings}. */
public final class KafkaConnectors {
    private KafkaConnectors() {}

    /** Reads clicks as raw records; read_committed so aborted producer transactions are never seen. */
    public static KafkaSource<RawRecord> clicksSource(KafkaSettings kafka) {
        return rawSource(kafka, kafka.clicksTopic, kafka.groupId, startingOffsets(kafka.startingOffsets));
    }

    /**
     * Reads items.topic (item rules) from its earliest offset: the whole compacted table at the
     * first start; from a checkpoint, where it left off (the rules are in state).
     */
    public static KafkaSource<RawRecord> itemsSource(KafkaSettings kafka, String topic) {
        return rawSource(kafka, topic, kafka.groupId + "-items", OffsetsInitializer.earliest());
    }

    private static KafkaSource<RawRecord> rawSource(KafkaSettings kafka, String topic, String groupId,
                                                    OffsetsInitializer offsets) {
        return KafkaSource.<RawRecord>builder()
                .setBootstrapServers(kafka.bootstrapServers)
                .setTopics(topic)
                .setGroupId(groupId)
                .setStartingOffsets(offsets)
                .setDeserializer(new RawRecordDeserializationSchema())
                .setProperties(extraProperties(kafka))
                .setProperty("isolation.level", "read_committed")
                .build();
    }

    public static KafkaSink<Recommendation> recommendationsSink(KafkaSettings kafka) {
        return sink(kafka, "recommendations", new AvroSingleObjectSerializer<Recommendation>(
                kafka.recommendationsTopic, r -> r.getUserId().getBytes(StandardCharsets.UTF_8)));
    }

    public static KafkaSink<LiveJudgement> liveQualitySink(KafkaSettings kafka) {
        return sink(kafka, "live-quality", new AvroSingleObjectSerializer<LiveJudgement>(
                kafka.liveQualityTopic, j -> j.getUserId().getBytes(StandardCharsets.UTF_8)));
    }

    /** The canary judge's PROMOTE and ABORT, onto model.updates-topic beside the operators' commands (same key). */
    public static KafkaSink<ModelUpdate> modelUpdatesSink(KafkaSettings kafka, String topic) {
        return sink(kafka, "model-updates", new AvroSingleObjectSerializer<ModelUpdate>(topic,
                u -> io.nextitem.model.ModelUpdatePublisher.KEY));
    }

    public static KafkaSink<DeadLetter> deadLetterSink(KafkaSettings kafka) {
        return sink(kafka, "dead-letters", new AvroSingleObjectSerializer<DeadLetter>(
                kafka.deadLetterTopic, KafkaConnectors::originalKey));
    }

    /**
     * Exactly-once: transactions commit when a checkpoint completes; each sink needs its own
     * transactional id prefix, and a transaction timeout the broker accepts. At-least-once:
     * records go out as produced and are flushed at every checkpoint.
     */
    private static <T> KafkaSink<T> sink(KafkaSettings kafka, String prefixSuffix,
                                         KafkaRecordSerializationSchema<T> serializer) {
        var builder = KafkaSink.<T>builder()
                .setBootstrapServers(kafka.bootstrapServers)
                .setKafkaProducerConfig(extraProperties(kafka))
                .setRecordSerializer(serializer);
        if (!kafka.exactlyOnce()) {
            return builder.setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE).build();
        }
        return builder.setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(kafka.transactionalIdPrefix + "-" + prefixSuffix)
                .setProperty("transaction.timeout.ms", Long.toString(kafka.transactionTimeoutMs))
                .build();
    }

    private static byte[] originalKey(DeadLetter deadLetter) {
        ByteBuffer key = deadLetter.getOriginalKey();
        if (key == null) {
            return null;
        }
        byte[] bytes = new byte[key.remaining()];
        key.duplicate().get(bytes);
        return bytes;
    }

    private static OffsetsInitializer startingOffsets(String mode) {
        return switch (mode) {
            case "earliest" -> OffsetsInitializer.earliest();
            case "latest" -> OffsetsInitializer.latest();
            default -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
        };
    }

    private static Properties extraProperties(KafkaSettings kafka) {
        Properties properties = new Properties();
        properties.putAll(kafka.clientProperties());
        return properties;
    }
}
