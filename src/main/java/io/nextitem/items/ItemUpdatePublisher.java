package io.nextitem.items;

import io.nextitem.avro.ItemUpdate;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Writes item updates to items.topic, key = item id (compaction keeps each item's newest), through
 * {@link io.nextitem.kafka.ByteProducers}; returns once the broker has every one.
 */
public final class ItemUpdatePublisher {
    private ItemUpdatePublisher() {}

    /** @return how many records were written */
    public static int publish(String bootstrapServers, Map<String, ?> clientProperties, String topic,
                              List<ItemUpdateFile.Entry> entries) throws IOException, InterruptedException {
        try (KafkaProducer<byte[], byte[]> producer = io.nextitem.kafka.ByteProducers.open(bootstrapServers, clientProperties)) {
            List<Future<RecordMetadata>> sent = new ArrayList<>(entries.size());
            for (ItemUpdateFile.Entry entry : entries) {
                sent.add(producer.send(new ProducerRecord<>(topic, entry.itemId().getBytes(StandardCharsets.UTF_8),
                        entry.update() == null ? null : bytesOf(entry.update()))));
            }
            for (Future<RecordMetadata> ack : sent) {
                ack.get();
            }
            return sent.size();
        } catch (ExecutionException e) {
            throw new IOException("could not write to " + topic + ": " + e.getCause().getMessage(), e.getCause());
        }
    }

    /** An update as items.topic holds it: Avro single-object encoding. */
    public static byte[] bytesOf(ItemUpdate update) throws IOException {
        ByteBuffer buffer = update.toByteBuffer();
        byte[] value = new byte[buffer.remaining()];
        buffer.get(value);
        return value;
    }
}
