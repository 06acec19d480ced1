package io.nextitem.tools.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.nextitem.testing.BrokerITCase;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** Topic creation on a real KRaft broker: when create returns, every partition takes writes. */
class KafkaTopicsITCase extends BrokerITCase {
    private static final int TOPICS = 8;
    private static final int PARTITIONS = 4;

    @Test
    void everyPartitionTakesAWriteAtOnceFromAProducerThatCannotRetry() throws Exception {
        // retries 0: a NOT_LEADER_OR_FOLLOWER answer (a partition the broker has not applied yet,
        // the start of the lost-batch loop KafkaTopics guards against) fails the send outright.
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false,
                ProducerConfig.RETRIES_CONFIG, 0,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config)) {
            for (int t = 0; t < TOPICS; t++) {
                String topic = "fresh-" + t;
                KafkaTopics.create(broker.bootstrapServers(), PARTITIONS, List.of(topic));
                List<Future<RecordMetadata>> sent = new ArrayList<>();
                for (int p = 0; p < PARTITIONS; p++) {
                    sent.add(producer.send(new ProducerRecord<>(topic, p, null, "x".getBytes(StandardCharsets.UTF_8))));
                }
                for (Future<RecordMetadata> ack : sent) {
                    assertThat(ack.get(30, TimeUnit.SECONDS).offset()).isZero();
                }
            }
        }
    }

    @Test
    void anExistingTopicIsLeftAsItIs() throws Exception {
        KafkaTopics.create(broker.bootstrapServers(), 3, List.of("kept"));
        KafkaTopics.create(broker.bootstrapServers(), 1, List.of("kept"));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            int partitions = admin.describeTopics(List.of("kept")).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get("kept").partitions().size();
            assertThat(partitions).isEqualTo(3);
        }
    }
}
