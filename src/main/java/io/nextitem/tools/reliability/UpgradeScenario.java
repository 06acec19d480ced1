package io.nextitem.tools.reliability;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.nextitem.avro.ClickEvent;
import io.nextitem.avro.EventType;
import io.nextitem.avro.Recommendation;
import io.nextitem.tools.bench.MachineFacts;
import io.nextitem.config.JobConfig;
import io.nextitem.tools.demo.ClasspathFolder;
import io.nextitem.tools.kafka.KafkaTopics;
import io.nextitem.tools.replay.ClickReplayer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;

/**
 * Scenario 4: a job upgrade. An earlier commit's job ran on clicks that are kept with its
 * savepoint (a fixture, {@link #writeFixture}); this commit's job starts from that savepoint,
 * on a fresh broker where the same clicks are put back at the same offsets, and goes on with
 * new clicks of the same users. The restored sequence state must be read by today's code
 * (state schema evolution), the restored offsets must not answer an old click again, and every
 * sequence must end as old and new clicks together imply.
 */
final class UpgradeScenario implements ReliabilityScenario {
    static final String FIXTURE_FILE = "fixture.json";
    private static final String CLICKS_FILE = "clicks.csv";
    private static final String SAVEPOINT_DIR = "savepoint";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** Fixture clicks are from 2026-01-01, and the fixture is restored for years: state must not expire on the shelf. */
    private static final long FIXTURE_TTL_MINUTES = 60L * 24 * 365 * 100;
    private static final long FIXTURE_FIRST_EVENT_MILLIS = 1_767_225_600_000L;
    private static final ReliabilityScale FIXTURE_SIZE =
            new ReliabilityScale("fixture", 1_000, 100, 0, 0.02, 0, Duration.ZERO, Duration.ZERO, Duration.ofMinutes(3));

    @Override
    public String name() {
        return "upgrade";
    }

    @Override
    public String fault(JobCluster cluster) {
        return "upgrade";
    }

    @Override
    public String description() {
        return "this commit's job restored from a savepoint an earlier commit's job took";
    }

    @Override
    public ScenarioResult run(ScenarioContext context) throws Exception {
        long started = System.nanoTime();
        Path fixture = newestFixture(context.upgradeFixtures);
        @SuppressWarnings("unchecked")
        Map<String, Object> meta = JSON.readValue(fixture.resolve(FIXTURE_FILE).toFile(), Map.class);
        context.log.printf("  fixture %s, taken by commit %s%n", fixture.getFileName(), meta.get("taken_by_commit"));
        JobConfig config = fixtureConfig(context, meta);
        KafkaTopics.create(config.kafka.bootstrapServers, 2, List.of(config.kafka.clicksTopic));
        KafkaTopics.create(config.kafka.bootstrapServers, 1, List.of(config.kafka.recommendationsTopic,
                config.kafka.deadLetterTopic));
        context.watchOutput(config);
        List<ClickEvent> before = readClicks(fixture.resolve(CLICKS_FILE));
        ReplayPlan after = ReplayPlan.of("upgrade", "upgrade-after", context.scale, context.items, context.seed,
                System.currentTimeMillis() - Duration.ofDays(1).toMillis());
        Path savepoint = Files.createDirectories(context.work.resolve("upgrade-restore"));
        ClasspathFolder.copyTree(fixture.resolve(SAVEPOINT_DIR), savepoint);
        try (ClickReplayer producer = new ClickReplayer(config.kafka.bootstrapServers, config.kafka.clicksTopic)) {
            // The old clicks at the offsets the savepoint's source resumes after: same keys, same order.
            for (ClickEvent click : before) {
                producer.send(click);
            }
            producer.flush();
            JobID job = context.flink.submit(config, savepoint);
            context.flink.awaitAllRunning(job, TaskFailureScenario.RECOVERY_TIMEOUT);
            context.produce(producer, after, 0, after.sent().size());
            List<Recommendation> received = context.awaitRecommendations(config, after.valid());
            int recoveries = context.flink.recoveries(job);
            Path finalSavepoint = context.flink.stopWithSavepoint(job, context.savepointDir(config));
            List<ClickEvent> all = new ArrayList<>(before);
            all.addAll(after.valid());
            return new ScenarioResult(name(), description(), after.valid().size(), after.retries(), 1, recoveries,
                    DeliveryCheck.of(after.valid(), received), SequenceStateCheck.of(finalSavepoint, config.sequence, all),
                    context.deadLetters(config, List.of()), recoveries, (System.nanoTime() - started) / 1e9);
        }
    }

    /**
     * Runs this commit's job on {@link #FIXTURE_SIZE} clicks and keeps its savepoint, the clicks
     * and the job's names under {@code dir}: the fixture later commits must restore.
     */
    static Path writeFixture(ScenarioContext context, Path dir) throws Exception {
        JobConfig config = context.jobConfig("upgrade-fixture", 2);
        config.sequence.ttlMinutes = FIXTURE_TTL_MINUTES;
        ReplayPlan plan = ReplayPlan.of("upgrade", "upgrade-before", FIXTURE_SIZE, context.items, context.seed,
                FIXTURE_FIRST_EVENT_MILLIS);
        JobID job = context.flink.submit(config, null);
        context.flink.awaitAllRunning(job, TaskFailureScenario.RECOVERY_TIMEOUT);
        try (ClickReplayer producer = new ClickReplayer(config.kafka.bootstrapServers, config.kafka.clicksTopic)) {
            context.produce(producer, plan, 0, plan.sent().size());
        }
        context.awaitRecommendations(config, plan.valid());
        Path taken = context.flink.stopWithSavepoint(job, context.savepointDir(config));
        Files.createDirectories(dir);
        ClasspathFolder.copyTree(taken, dir.resolve(SAVEPOINT_DIR));
        writeClicks(dir.resolve(CLICKS_FILE), plan.sent());
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("taken_by_commit", MachineFacts.commit());
        meta.put("taken_at", Instant.now().toString());
        meta.put("parallelism", config.parallelism);
        meta.put("clicks_topic", config.kafka.clicksTopic);
        meta.put("recommendations_topic", config.kafka.recommendationsTopic);
        meta.put("dead_letter_topic", config.kafka.deadLetterTopic);
        meta.put("group_id", config.kafka.groupId);
        meta.put("transactional_id_prefix", config.kafka.transactionalIdPrefix);
        meta.put("sequence_max_length", config.sequence.maxLength);
        meta.put("sequence_ttl_minutes", config.sequence.ttlMinutes);
        meta.put("clicks", plan.sent().size());
        JSON.writeValue(dir.resolve(FIXTURE_FILE).toFile(), meta);
        return dir;
    }

    /** The fixture's names and settings; its own checkpoint folder; today's defaults for the rest. */
    private static JobConfig fixtureConfig(ScenarioContext context, Map<String, Object> meta) throws IOException {
        JobConfig config = new JobConfig();
        config.parallelism = ((Number) meta.get("parallelism")).intValue();
        config.kafka.bootstrapServers = context.broker.bootstrapServers();
        config.kafka.clicksTopic = (String) meta.get("clicks_topic");
        config.kafka.recommendationsTopic = (String) meta.get("recommendations_topic");
        config.kafka.deadLetterTopic = (String) meta.get("dead_letter_topic");
        config.kafka.groupId = (String) meta.get("group_id");
        config.kafka.transactionalIdPrefix = (String) meta.get("transactional_id_prefix");
        config.kafka.startingOffsets = "earliest";
        config.kafka.deliveryGuarantee = context.deliveryGuarantee;
        config.sequence.maxLength = ((Number) meta.get("sequence_max_length")).intValue();
        // fixtures written before TTLs were set in minutes give hours
        config.sequence.ttlMinutes = meta.containsKey("sequence_ttl_minutes")
                ? ((Number) meta.get("sequence_ttl_minutes")).longValue()
                : ((Number) meta.get("sequence_ttl_hours")).longValue() * 60;
        config.model.registry = context.registry.toString();
        config.model.watchIntervalMs = 0;
        Path checkpoints = context.work.resolve("upgrade-" + UUID.randomUUID().toString().substring(0, 8)).resolve("checkpoints");
        config.checkpoint.dir = Files.createDirectories(checkpoints).toUri().toString();
        config.checkpoint.intervalMs = 1_000;
        return config.validated();
    }

    /** The fixture folder with the newest taken_at (one per commit that changed what state holds). */
    static Path newestFixture(Path fixtures) throws IOException {
        if (fixtures == null || !Files.isDirectory(fixtures)) {
            throw new IOException("no upgrade fixtures at " + fixtures + "; write one with "
                    + "`nextitem reliability --write-upgrade-fixture DIR`");
        }
        try (Stream<Path> children = Files.list(fixtures)) {
            return children.filter(p -> Files.isRegularFile(p.resolve(FIXTURE_FILE))).max(Path::compareTo)
                    .orElseThrow(() -> new IOException("no fixture (a folder with " + FIXTURE_FILE + ") in " + fixtures));
        }
    }


    private static void writeClicks(Path file, List<ClickEvent> clicks) throws IOException {
        List<String> lines = new ArrayList<>(List.of("event_id,user_id,item_id,event_time_millis"));
        clicks.forEach(c -> lines.add(c.getEventId() + "," + c.getUserId() + "," + c.getItemId() + "," + c.getEventTimeMillis()));
        Files.write(file, lines, StandardCharsets.UTF_8);
    }

    private static List<ClickEvent> readClicks(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<ClickEvent> clicks = new ArrayList<>(lines.size());
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", -1);
            clicks.add(ClickEvent.newBuilder().setEventId(f[0]).setUserId(f[1]).setItemId(f[2])
                    .setEventType(EventType.CLICK).setEventTimeMillis(Long.parseLong(f[3])).build());
        }
        return clicks;
    }
}
