package io.nextitem.tools.bench;

import io.nextitem.avro.ClickEvent;
import io.nextitem.config.JobConfig;
import io.nextitem.tools.WorkFolders;
import io.nextitem.tools.kafka.KafkaTopics;
import io.nextitem.tools.kafka.LocalKafkaBroker;
import io.nextitem.model.ModelVersion;
import io.nextitem.tools.replay.ClickReplayer;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.flink.core.execution.JobClient;

/**
 * How the job holds up as users grow. A seeding job writes {@code users} full sequences (L
 * entries with times and event ids) into the user-sequence state and checkpoints them: its
 * newest checkpoint's full size over the users is the state per user, its duration what a full
 * checkpoint of that state costs. It stops with a savepoint; the real job restores it, answers
 * clicks of users drawn at random among all of them (state reads that miss RocksDB's cache as
 * they would in production), and its next checkpoints show what incremental checkpoints upload
 * and how long they take. Resident memory of this JVM (the local task managers live in it) is
 * taken at the end.
 */
final class StateScaleStage {
    private static final int CHECKPOINTS_AFTER_TRAFFIC = 3;
    /** Item ids in the seeded sequences come from this many of the version's items. */
    private static final int ITEM_POOL = 10_000;

    private StateScaleStage() {}

    static Map<String, Object> run(String bootstrap, Path registry, Path work, ModelVersion version, long users,
                                   int clicks, BenchSettings settings, PrintStream log) throws Exception {
        int length = version.manifest().maxSeqLen();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("users", users);
        out.put("sequence_length", length);

        String seedTopic = "bench-seed-users-" + users;
        KafkaTopics.create(bootstrap, 2, List.of(seedTopic));
        try (ClickReplayer producer = new ClickReplayer(bootstrap, seedTopic)) {
            for (long u = 0; u < users; u++) {
                byte[] id = BenchClicks.userId(u).getBytes(StandardCharsets.UTF_8);
                producer.sendRaw(id, id, System.currentTimeMillis());
            }
            producer.flush();
        }
        JobConfig seedConfig = BenchJobRunner.config(bootstrap, registry, work, seedTopic, settings, length,
                settings.batchMaxSize(), true);
        List<String> pool = new ArrayList<>();
        for (int i = 1; i <= Math.min(ITEM_POOL, version.items().size()); i++) {
            pool.add(version.items().idOf(i));
        }
        int seedPort = LocalKafkaBroker.freePort();
        long seeding = System.nanoTime();
        JobClient seeder = StateSeedJob.start(seedConfig, seedTopic, new SequenceSeedFunction(seedConfig.sequence, pool,
                settings.seed(), System.currentTimeMillis() - 60_000L), seedPort);
        Path savepoints = work.resolve("savepoints-" + users);
        Path savepoint;
        try {
            StateSeedJob.awaitCheckpointedEnd(bootstrap, seedConfig.kafka.groupId, seedTopic, Duration.ofMinutes(30));
            out.put("seed_seconds", ThroughputStage.round((System.nanoTime() - seeding) / 1e9));
            String seedJob = seeder.getJobID().toString();
            // A checkpoint begun after every user was written holds all of them.
            CheckpointStats.Completed full = CheckpointStats.awaitAfter(seedPort, seedJob,
                    CheckpointStats.newestId(seedPort, seedJob), 1, Duration.ofMinutes(10)).get(0);
            out.put("seeded_checkpoint", full.describe());
            out.put("state_bytes_per_user", ThroughputStage.round(full.stateSizeBytes() / (double) users));
            savepoint = StateSeedJob.stopWithSavepoint(seeder, savepoints);
        } catch (Exception e) {
            seeder.cancel().get();
            throw e;
        }
        removeCheckpoints(seedConfig); // the savepoint holds the state on its own
        out.put("savepoint_bytes", bytesUnder(savepoint));

        String clicksTopic = "bench-state-clicks-" + users;
        KafkaTopics.create(bootstrap, 2, List.of(clicksTopic));
        try (ClickReplayer producer = new ClickReplayer(bootstrap, clicksTopic)) {
            producer.replay(randomUserClicks(users, clicks, version, settings.seed()), 0, null);
        }
        // Every variant restores the same savepoint (unclaimed, so it stays as it was) and answers
        // the same clicks with a consumer group of its own: the figures differ by the settings alone.
        List<Map<String, Object>> variants = new ArrayList<>();
        for (SettingsVariant variant : SettingsVariant.parseAll("--state-variant", settings.stateVariants())) {
            JobConfig config = variant.applyTo(BenchJobRunner.config(bootstrap, registry, work, clicksTopic, settings,
                    length, settings.batchMaxSize(), true));
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("variant", variant.name());
            figures.put("settings", variant.assignments());
            figures.putAll(answerClicks(bootstrap, config, savepoint, clicks, users, settings));
            variants.add(figures);
            log.printf("  %,d users, variant %s: %s events/s, state latency (us) %s%n", users, variant.name(),
                    figures.get("events_per_s"), figures.get("state_latency_us"));
        }
        // The first variant's figures stand for the stage (the summary reads them); all are under variants.
        for (String key : List.of("events_per_s", "checkpoints_after_traffic", "jvm_rss_gib")) {
            out.put(key, variants.get(0).get(key));
        }
        out.put("variants", variants);
        WorkFolders.deleteRecursively(savepoints); // every variant has read it
        log.printf("  %,d users: %s bytes/user, full checkpoint %,d bytes in %,d ms, %s events/s, RSS %.2f GiB%n", users,
                out.get("state_bytes_per_user"), ((Map<?, ?>) out.get("seeded_checkpoint")).get("state_size_bytes"),
                (Long) ((Map<?, ?>) out.get("seeded_checkpoint")).get("end_to_end_duration_ms"), out.get("events_per_s"),
                (Double) out.get("jvm_rss_gib"));
        return out;
    }

    /** One variant's run: restore the seeded state, answer every click, then let checkpoints complete. */
    private static Map<String, Object> answerClicks(String bootstrap, JobConfig config, Path savepoint, int clicks,
                                                    long users, BenchSettings settings) throws Exception {
        Map<String, Object> out = new LinkedHashMap<>();
        int restPort = LocalKafkaBroker.freePort();
        try (RecommendationProbe probe = new RecommendationProbe(bootstrap, config.kafka.recommendationsTopic, true)) {
            JobClient job = BenchJobRunner.start(config, savepoint, restPort, settings.managedMemoryMb(), true);
            try {
                if (!probe.awaitCount(clicks, Duration.ofSeconds(120 + clicks / 50))) {
                    throw new IllegalStateException(users + " users: only " + probe.count() + " of " + clicks + " lists");
                }
                out.put("events_per_s", ThroughputStage.round(ThroughputStage.steadyRate(probe.snapshot(), 0)));
                String jobId = job.getJobID().toString();
                out.put("state_latency_us", StateLatencyStats.micros(restPort, jobId));
                List<CheckpointStats.Completed> after = CheckpointStats.awaitAfter(restPort, jobId,
                        CheckpointStats.newestId(restPort, jobId), CHECKPOINTS_AFTER_TRAFFIC, Duration.ofMinutes(10));
                out.put("checkpoints_after_traffic", after.stream().map(CheckpointStats.Completed::describe).toList());
                out.put("jvm_rss_gib", MachineFacts.residentGib());
            } finally {
                job.cancel().get();
                // A run restored from the savepoint starts with a full checkpoint, retained on
                // cancel: at 10^7 users 9 GB per variant, which would fill a disk by the fourth.
                removeCheckpoints(config);
            }
        }
        return out;
    }

    private static void removeCheckpoints(JobConfig config) throws IOException {
        WorkFolders.deleteRecursively(Path.of(URI.create(config.checkpoint.dir)));
    }

    /** Clicks of users drawn uniformly among the seeded ones, after the seeded state's event times. */
    private static List<ClickEvent> randomUserClicks(long users, int clicks, ModelVersion version, long seed) {
        Random random = new Random(seed + users);
        long start = System.currentTimeMillis();
        List<ClickEvent> out = new ArrayList<>(clicks);
        for (int i = 0; i < clicks; i++) {
            out.add(BenchClicks.click("s-" + i, BenchClicks.userId((long) (random.nextDouble() * users)),
                    version.items().idOf(1 + random.nextInt(version.items().size())), start + i));
        }
        return out;
    }

    static long bytesUnder(Path folder) {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
