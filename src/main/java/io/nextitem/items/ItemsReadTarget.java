package io.nextitem.items;

import io.nextitem.kafka.ByteConsumers;
import java.io.Serializable;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where items.topic ends now: per partition, the offset of its last record a read_committed
 * reader gets. The items stage serves no list before it has read that far, so a block written
 * before the job started holds from the first list. Why not just the end offset: on a compacted
 * topic the record before it may be gone (a tombstone past delete.retention.ms) and under
 * transactions it is a commit marker, so no record would ever reach it; this reads back from the
 * end, a little further each time, until it meets a record.
 */
public final class ItemsReadTarget implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ItemsReadTarget.class);

    private final String bootstrapServers;
    private final Map<String, String> clientProperties;
    private final String topic;
    private final Duration timeout;

    public ItemsReadTarget(String bootstrapServers, Map<String, String> clientProperties, String topic, Duration timeout) {
        this.bootstrapServers = bootstrapServers;
        this.clientProperties = new HashMap<>(clientProperties);
        this.topic = topic;
        this.timeout = timeout;
    }

    /** Partition -> offset of its last readable record; partitions without one are left out (nothing to wait for). */
    public Map<Integer, Long> lastOffsets() {
        try (KafkaConsumer<byte[], byte[]> consumer = ByteConsumers.openReadCommitted(bootstrapServers, clientProperties,
                "nextitem-items-read-target")) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                LOG.warn("items topic {} has no partitions (does it exist?): lists are served without waiting for item rules", topic);
                return Map.of();
            }
            List<TopicPartition> partitions = infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions, timeout);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            Map<Integer, Long> last = new HashMap<>();
            for (TopicPartition partition : partitions) {
                long found = lastRecord(consumer, partition, begin.get(partition), end.get(partition));
                if (found >= 0) {
                    last.put(partition.partition(), found);
                }
            }
            return last;
        }
    }

    private long lastRecord(KafkaConsumer<byte[], byte[]> consumer, TopicPartition partition, long begin, long end) {
        consumer.assign(List.of(partition));
        for (long back = 1; ; back *= 16) {
            long from = Math.max(begin, end - back);
            consumer.seek(partition, from);
            long last = -1;
            long deadline = System.nanoTime() + timeout.toNanos();
            while (consumer.position(partition, timeout) < end) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + partition + " from " + from + " to " + end
                            + " within " + timeout);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    last = Math.max(last, record.offset());
                }
            }
            if (last >= 0 || from == begin) {
                return last;
            }
        }
    }
}
