package io.nextitem.tools.soak;

import com.fasterxml.jackson.databind.JsonNode;
import io.nextitem.tools.cluster.StandaloneCluster;
import io.nextitem.config.JobConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * One row of the soak's figures, taken from where an operator would look: the processes (RSS,
 * heap after GC), the TaskManagers' RocksDB folders on disk, Flink's REST API (the last completed
 * checkpoint's size and duration, failed checkpoints), Kafka (the job's consumer-group lag, the
 * dead letters a read_committed consumer sees) and the answers tallied so far. A figure that
 * cannot be read this time is left out of the row and named in its "unread" entry; the soak goes on.
 */
final class SoakSampler implements AutoCloseable {
    private static final double MIB = 1024.0 * 1024.0;
    private final StandaloneCluster cluster;
    private final String jobId;
    private final JobConfig config;
    private final AnswerTally tally;
    private final LongSupplier clicksSent;
    private final LongSupplier malformedSent;
    private final Path registry;
    private final Admin admin;
    private final KafkaConsumer<byte[], byte[]> deadLetterReader;
    private final Map<String, JvmProbe> probes = new LinkedHashMap<>();
    private long deadLetters;

    SoakSampler(StandaloneCluster cluster, String jobId, JobConfig config, AnswerTally tally, LongSupplier clicksSent,
                LongSupplier malformedSent, Path registry) {
        this.cluster = cluster;
        this.jobId = jobId;
        this.config = config;
        this.tally = tally;
        this.clicksSent = clicksSent;
        this.malformedSent = malformedSent;
        this.registry = registry;
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafka.bootstrapServers);
        this.admin = Admin.create(props);
        Properties consumer = new Properties();
        consumer.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafka.bootstrapServers);
        consumer.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumer.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        consumer.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        this.deadLetterReader = new KafkaConsumer<>(consumer);
        List<TopicPartition> partitions = deadLetterReader.partitionsFor(config.kafka.deadLetterTopic).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        deadLetterReader.assign(partitions);
        deadLetterReader.seekToBeginning(partitions);
    }

    /** The processes probed: the JobManager and every TaskManager, by name. */
    private List<String> processes() throws IOException {
        List<String> names = new ArrayList<>(List.of(StandaloneCluster.JOB_MANAGER));
        for (String name : cluster.status().keySet()) {
            if (!names.contains(name)) {
                names.add(name);
            }
        }
        return names;
    }

    Map<String, Object> sample(double minute) {
        Map<String, Object> row = new LinkedHashMap<>();
        List<String> unread = new ArrayList<>();
        row.put("minute", Math.round(minute * 100) / 100.0);
        try {
            for (String process : processes()) {
                long pid = cluster.process(process).orElseThrow(() -> new IOException(process + " is not running")).pid();
                JvmProbe probe = probes.get(process);
                if (probe == null) {
                    probe = new JvmProbe(pid);
                    probes.put(process, probe);
                }
                row.put(process + ".rss_mib", round(probe.rssBytes() / MIB));
                row.put(process + ".heap_after_gc_mib", round(probe.heapAfterGcBytes() / MIB));
            }
        } catch (IOException | RuntimeException e) {
            unread.add("processes: " + e.getMessage());
        }
        try {
            row.put("rocksdb_mib", round(rocksDbBytes(cluster.home().root().resolve("tmp")) / MIB));
        } catch (IOException | RuntimeException e) {
            unread.add("rocksdb: " + e.getMessage());
        }
        try {
            JsonNode checkpoints = cluster.rest().checkpoints(jobId);
            JsonNode last = checkpoints.path("latest").path("completed");
            if (!last.isMissingNode() && !last.isNull()) {
                row.put("checkpoint_state_mib", round(last.path("state_size").asLong() / MIB));
                row.put("checkpoint_duration_ms", last.path("end_to_end_duration").asLong());
            }
            row.put("checkpoints_failed", checkpoints.path("counts").path("failed").asLong());
        } catch (IOException | RuntimeException e) {
            unread.add("checkpoints: " + e.getMessage());
        }
        try {
            row.put("consumer_lag_records", consumerLag());
        } catch (Exception e) {
            unread.add("consumer lag: " + e.getMessage());
        }
        try {
            row.put("dead_letters", countDeadLetters());
        } catch (RuntimeException e) {
            unread.add("dead letters: " + e.getMessage());
        }
        row.put("malformed_sent", malformedSent.getAsLong());
        row.put("clicks_sent", clicksSent.getAsLong());
        row.put("lists_answered", tally.answered());
        row.put("lists_duplicated", tally.duplicated());
        row.put("model_versions_published", versionsPublished());
        if (!unread.isEmpty()) {
            row.put("unread", unread);
        }
        return row;
    }

    /** Bytes of the RocksDB instances (their "db" folders) under the TaskManagers' io.tmp.dirs. */
    static long rocksDbBytes(Path tmpDirs) throws IOException {
        if (!Files.isDirectory(tmpDirs)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(tmpDirs)) {
            return files.filter(p -> p.toString().contains("/db/")).mapToLong(p -> {
                try {
                    return Files.isRegularFile(p) ? Files.size(p) : 0;
                } catch (IOException e) {
                    return 0;   // a file RocksDB deleted between the listing and the size
                }
            }).sum();
        }
    }

    /** The clicks topic's end offsets minus the offsets the job committed (on its checkpoints), summed over partitions. */
    private long consumerLag() throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(config.kafka.groupId)
                .partitionsToOffsetAndMetadata().get();
        Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
        for (var p : admin.describeTopics(List.of(config.kafka.clicksTopic)).allTopicNames().get()
                .get(config.kafka.clicksTopic).partitions()) {
            latest.put(new TopicPartition(config.kafka.clicksTopic, p.partition()), OffsetSpec.latest());
        }
        long lag = 0;
        for (var end : admin.listOffsets(latest).all().get().entrySet()) {
            OffsetAndMetadata done = committed.get(end.getKey());
            lag += end.getValue().offset() - (done == null ? 0 : done.offset());
        }
        return lag;
    }

    /** Dead letters committed so far: read on from where the last sample stopped to the last stable offset. */
    private long countDeadLetters() {
        var partitions = deadLetterReader.assignment();
        Map<TopicPartition, Long> end = deadLetterReader.endOffsets(partitions);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (partitions.stream().anyMatch(p -> deadLetterReader.position(p) < end.get(p)) && System.nanoTime() < deadline) {
            deadLetters += deadLetterReader.poll(Duration.ofMillis(200)).count();
        }
        return deadLetters;
    }

    private long versionsPublished() {
        try (Stream<Path> versions = Files.list(registry)) {
            return versions.filter(p -> Files.isRegularFile(p.resolve("manifest.json"))).count();
        } catch (IOException e) {
            return -1;
        }
    }

    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }

    @Override
    public void close() throws IOException {
        for (JvmProbe probe : probes.values()) {
            probe.close();
        }
        deadLetterReader.close();
        admin.close();
    }
}
