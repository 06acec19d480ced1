package io.nextitem.model;

import io.nextitem.avro.ModelUpdate;
import io.nextitem.kafka.ByteConsumers;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Every serving decision on model.updates-topic so far, oldest first: what an operator reads to
 * learn why a version serves (`model history`), and what a replay records beside its figures.
 * Committed records only (read_committed), as the job reads them; a record that is not a
 * ModelUpdate is counted, not returned, as the job skips it.
 */
public final class ModelUpdateHistory {
    private static final Duration READ_LIMIT = Duration.ofSeconds(30);

    /** @param skipped records that did not decode as a ModelUpdate */
    public record History(List<ModelUpdate> updates, int skipped) {}

    private ModelUpdateHistory() {}

    public static History read(String bootstrapServers, Map<String, ?> clientProperties, String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = ByteConsumers.openReadCommitted(bootstrapServers, clientProperties,
                "nextitem-model-history")) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            if (partitions.isEmpty()) {
                throw new IllegalStateException("model.updates-topic '" + topic + "' does not exist");
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions); // the last stable offset under read_committed
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            long deadline = System.nanoTime() + READ_LIMIT.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(topic + ": not read to its end within " + READ_LIMIT.toSeconds() + " s");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            // Offset order is the order the job folds the decisions in (one key: one partition); a record's
            // timestamp is no guide, as the judge's exactly-once sink stamps the clicks' event time.
            records.sort(java.util.Comparator.<ConsumerRecord<byte[], byte[]>>comparingInt(ConsumerRecord::partition)
                    .thenComparingLong(ConsumerRecord::offset));
            List<ModelUpdate> updates = new ArrayList<>();
            int skipped = 0;
            for (ConsumerRecord<byte[], byte[]> record : records) {
                try {
                    updates.add(ModelUpdate.fromByteBuffer(ByteBuffer.wrap(record.value())));
                } catch (Exception e) {
                    skipped++;
                }
            }
            return new History(updates, skipped);
        }
    }

    /** One decision as plain fields, for a result file or a line of output. */
    public static Map<String, Object> describe(ModelUpdate update) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("issued_at", Instant.ofEpochMilli(update.getIssuedAtMillis()).toString());
        out.put("action", update.getAction().name());
        out.put("version", update.getVersion());
        if (update.getShare() != null) {
            out.put("share", update.getShare());
            out.put("shadow", update.getShadow());
        }
        out.put("issued_by", update.getIssuedBy() == null ? "operator" : update.getIssuedBy());
        out.put("reason", update.getReason());
        return out;
    }
}
