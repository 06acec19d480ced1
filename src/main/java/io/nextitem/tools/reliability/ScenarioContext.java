package io.nextitem.tools.reliability;

import io.nextitem.tools.kafka.NetworkCutProxy;

import io.nextitem.avro.ClickEvent;
import io.nextitem.avro.DeadLetter;
import io.nextitem.avro.Recommendation;
import io.nextitem.config.JobConfig;
import io.nextitem.tools.kafka.KafkaTopics;
import io.nextitem.tools.kafka.LocalKafkaBroker;
import io.nextitem.model.IdVocabulary;
import io.nextitem.tools.replay.ClickReplayer;
import io.nextitem.tools.replay.RecommendationReader;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** What every scenario stands on: the broker, the cluster, the served model, the scale, and the helpers they share. */
final class ScenarioContext {
    /** After the last expected recommendation, how long to keep reading for duplicates. */
    private static final Duration QUIET = Duration.ofSeconds(3);

    final LocalKafkaBroker broker;
    final JobCluster flink;
    final Path registry;
    final Path work;
    final ReliabilityScale scale;
    final IdVocabulary items;
    final long seed;
    /** exactly-once (the product), or at-least-once to show what the same failures do without it */
    final String deliveryGuarantee;
    /** Folder of savepoints earlier commits' jobs took, for the upgrade scenario. */
    final Path upgradeFixtures;
    final PrintStream log;
    /** Figures a scenario adds to its row of reliability.json beyond the counts (e.g. recovery seconds per kill). */
    final Map<String, Object> extras = new java.util.LinkedHashMap<>();
    /** Started with the scenario's first job config; read and closed by the suite after the scenario. */
    OutputStallMonitor stallMonitor;
    /** The proxy clients reach the broker through (standalone runs), or null. */
    NetworkCutProxy proxy;

    ScenarioContext(LocalKafkaBroker broker, JobCluster flink, Path registry, Path work, ReliabilityScale scale,
                    IdVocabulary items, long seed, String deliveryGuarantee, Path upgradeFixtures, PrintStream log) {
        this.broker = broker;
        this.flink = flink;
        this.registry = registry;
        this.work = work;
        this.scale = scale;
        this.items = items;
        this.seed = seed;
        this.deliveryGuarantee = deliveryGuarantee;
        this.upgradeFixtures = upgradeFixtures;
        this.log = log;
    }

    /**
     * The production defaults with this scenario's own topics (created here), consumer group,
     * transactional ids and checkpoint folder. The same config is reused across restarts of the
     * scenario, as an operator would: a transactional id prefix that changed between restarts
     * would leave the old job's open transactions blocking read_committed consumers.
     */
    JobConfig jobConfig(String scenario, int parallelism) throws Exception {
        String run = scenario + "-" + UUID.randomUUID().toString().substring(0, 8);
        JobConfig config = JobConfig.isolatedRun(broker.bootstrapServers(), "reliability", run);
        config.parallelism = parallelism;
        config.model.registry = registry.toString();
        config.model.watchIntervalMs = 0;
        config.kafka.deliveryGuarantee = deliveryGuarantee;
        config.checkpoint.dir = Files.createDirectories(work.resolve(run).resolve("checkpoints")).toUri().toString();
        config.checkpoint.intervalMs = 1_000;
        config.validated();
        KafkaTopics.create(broker.bootstrapServers(), 2, List.of(config.kafka.clicksTopic));
        KafkaTopics.create(broker.bootstrapServers(), 1, List.of(config.kafka.recommendationsTopic, config.kafka.deadLetterTopic));
        watchOutput(config);
        return config;
    }

    /** Starts watching the scenario's recommendations topic for output stalls (once per scenario). */
    void watchOutput(JobConfig config) {
        if (stallMonitor == null) {
            stallMonitor = new OutputStallMonitor(config.kafka.bootstrapServers, config.kafka.recommendationsTopic);
        }
    }

    Path savepointDir(JobConfig config) throws Exception {
        return Files.createDirectories(Path.of(java.net.URI.create(config.checkpoint.dir)).getParent().resolve("savepoints"));
    }

    ReplayPlan plan(String scenario) {
        return ReplayPlan.of(scenario, scale, items, seed, System.currentTimeMillis() - Duration.ofDays(1).toMillis());
    }

    /** Sends records [from, to) of the plan and waits until the broker has them all. */
    void produce(ClickReplayer producer, ReplayPlan plan, int from, int to) throws Exception {
        if (stallMonitor != null) {
            stallMonitor.inputStarted();
        }
        for (int i = from; i < to; i++) {
            producer.send(plan.sent().get(i));
        }
        producer.flush();
    }

    /**
     * Reads the recommendations topic with read_committed from the start until every one of
     * {@code expected} distinct clicks is answered (or the scale's timeout passes), then a
     * little longer, so that duplicates committed after the last first answer are counted too.
     */
    List<Recommendation> awaitRecommendations(JobConfig config, List<ClickEvent> expected) throws Exception {
        Set<String> waitingFor = new HashSet<>();
        expected.forEach(c -> waitingFor.add(c.getEventId()));
        List<Recommendation> received = new ArrayList<>();
        long deadline = System.nanoTime() + scale.timeout().toNanos();
        try (RecommendationReader reader = new RecommendationReader(config.kafka.bootstrapServers,
                config.kafka.recommendationsTopic, true, true)) {
            while (!waitingFor.isEmpty() && System.nanoTime() < deadline) {
                for (Recommendation r : reader.poll(Duration.ofMillis(500))) {
                    received.add(r);
                    waitingFor.remove(r.getTriggerEventId());
                }
            }
            long quietUntil = System.nanoTime() + QUIET.toNanos();
            while (System.nanoTime() < quietUntil) {
                received.addAll(reader.poll(Duration.ofMillis(500)));
            }
        }
        return received;
    }

    /** The dead-letter topic read with read_committed from its start to its end, against the malformed records sent. */
    DeadLetterCheck deadLetters(JobConfig config, List<MalformedCorpus.Case> malformedSent) throws Exception {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafka.bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        List<DeadLetter> letters = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(config.kafka.deadLetterTopic).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // First until every malformed record could be there (they commit with the checkpoints
            // after them), then to the end as it stands, for any letter beyond those.
            long deadline = System.nanoTime() + scale.timeout().toNanos();
            while (letters.size() < malformedSent.size() && System.nanoTime() < deadline) {
                pollDeadLetters(consumer, letters);
            }
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions); // under read_committed: the last stable offset
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                pollDeadLetters(consumer, letters);
            }
        }
        return DeadLetterCheck.of(malformedSent, letters);
    }

    private static void pollDeadLetters(KafkaConsumer<byte[], byte[]> consumer, List<DeadLetter> into) throws Exception {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
            into.add(DeadLetter.fromByteBuffer(ByteBuffer.wrap(record.value())));
        }
    }
}
