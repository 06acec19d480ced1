package io.nextitem.tools.bench;

import io.nextitem.config.JobConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * A job that reads user ids from Kafka and writes each user's full sequence into the
 * user-sequence state ({@link SequenceSeedFunction}) under the real job's settings (RocksDB,
 * incremental checkpoints). It runs until its checkpointed offsets reach the topic's end (every
 * user written and checkpointed), which is when its checkpoint statistics show the state of
 * that many users; it then stops with a savepoint the real job restores.
 */
final class StateSeedJob {
    private StateSeedJob() {}

    static JobClient start(JobConfig config, String seedTopic, SequenceSeedFunction seeder, int restPort) throws Exception {
        StreamExecutionEnvironment env = BenchJobRunner.environment(config, null, restPort);
        KafkaSource<String> users = KafkaSource.<String>builder()
                .setBootstrapServers(config.kafka.bootstrapServers)
                .setTopics(seedTopic)
                .setGroupId(config.kafka.groupId)
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setValueOnlyDeserializer(new SimpleStringSchema())
                .build();
        env.fromSource(users, WatermarkStrategy.noWatermarks(), "seed-users").uid("bench-seed-users")
                .keyBy(user -> user, Types.STRING)
                .process(seeder).uid("user-sequence").name("seed-user-sequence")
                .sinkTo(new DiscardingSink<>()).uid("bench-seed-discard");
        return env.executeAsync("nextitem-bench-seed-state");
    }

    /** Waits until the job's committed offsets (committed when a checkpoint completes) reach the topic's end. */
    static void awaitCheckpointedEnd(String bootstrap, String groupId, String topic, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            List<TopicPartition> partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic)
                    .partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            Map<TopicPartition, Long> ends = new java.util.HashMap<>();
            admin.listOffsets(partitions.stream().collect(java.util.stream.Collectors.toMap(p -> p, p -> OffsetSpec.latest())))
                    .all().get().forEach((p, info) -> ends.put(p, info.offset()));
            while (true) {
                Map<TopicPartition, OffsetAndMetadata> committed =
                        admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get();
                boolean done = ends.entrySet().stream().allMatch(e -> committed.get(e.getKey()) != null
                        && committed.get(e.getKey()).offset() >= e.getValue());
                if (done) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("seeding did not checkpoint every user of " + topic + " within "
                            + timeout.toSeconds() + " s (committed " + committed + ", ends " + ends + ")");
                }
                Thread.sleep(500);
            }
        }
    }

    /** Stops the job with a savepoint in RocksDB's native format (SST files, the fast kind to take and restore). */
    static Path stopWithSavepoint(JobClient job, Path folder) throws Exception {
        String path = job.stopWithSavepoint(false, folder.toUri().toString(), SavepointFormatType.NATIVE)
                .get(10, TimeUnit.MINUTES);
        return Path.of(java.net.URI.create(path.startsWith("file:") ? path : "file:" + path));
    }
}
