package io.nextitem.tools.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nextitem.tools.kafka.KafkaTopics;
import io.nextitem.testing.BrokerITCase;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/** A record the broker refuses must surface as an error of the replay, not vanish (real KRaft broker). */
class ClickReplayerITCase extends BrokerITCase {
    @Test
    void aRecordTheBrokerRefusesFailsTheFlushWithTheCountAndCause() throws Exception {
        KafkaTopics.create(broker.bootstrapServers(), 1, List.of("refused"));
        byte[] key = "u1".getBytes(StandardCharsets.UTF_8);
        // The producer may send up to 4 MiB, the broker takes about 1 MiB per record batch: the
        // broker answers MESSAGE_TOO_LARGE, which no retry can mend.
        ClickReplayer replayer = new ClickReplayer(broker.bootstrapServers(), "refused",
                Map.of("max.request.size", 4 << 20));
        replayer.sendRaw(key, "small".getBytes(StandardCharsets.UTF_8), 1L);
        replayer.sendRaw(key, new byte[2 << 20], 2L);
        assertThatThrownBy(replayer::flush)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("1 of 2 records were not written to topic refused")
                .hasCauseInstanceOf(RecordTooLargeException.class);
        assertThatThrownBy(replayer::close).hasMessageContaining("1 of 2 records");
        assertThat(recordsOn("refused")).isEqualTo(1);
    }

    @Test
    void recordsTheBrokerTakesFlushQuietly() throws Exception {
        KafkaTopics.create(broker.bootstrapServers(), 1, List.of("taken"));
        try (ClickReplayer replayer = new ClickReplayer(broker.bootstrapServers(), "taken")) {
            for (int i = 0; i < 3; i++) {
                replayer.sendRaw(("u" + i).getBytes(StandardCharsets.UTF_8), new byte[] {1}, i);
            }
            replayer.flush();
        }
        assertThat(recordsOn("taken")).isEqualTo(3);
    }

    private static int recordsOn(String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "count-" + topic);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 << 20);
        int count = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            int idlePolls = 0;
            while (System.nanoTime() < deadline && idlePolls < 3) {
                int got = consumer.poll(Duration.ofSeconds(1)).count();
                count += got;
                idlePolls = (got == 0 && count > 0) ? idlePolls + 1 : 0;
            }
        }
        return count;
    }
}
