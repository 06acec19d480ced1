package io.nextitem.tools.soak;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.nextitem.tools.WorkFolders;
import io.nextitem.tools.bench.MachineFacts;
import io.nextitem.tools.build.BuildOutputs;
import io.nextitem.tools.cluster.StandaloneCluster;
import io.nextitem.config.JobConfig;
import io.nextitem.config.JobConfigLoader;
import io.nextitem.tools.demo.ClasspathFolder;
import io.nextitem.tools.demo.DemoRunner;
import io.nextitem.tools.kafka.KafkaTopics;
import io.nextitem.tools.kafka.LocalKafkaBroker;
import io.nextitem.model.ModelRegistry;
import io.nextitem.model.ModelVersion;
import io.nextitem.tools.replay.ClickReplayer;
import java.io.IOException;
import java.io.PrintStream;
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
import java.util.concurrent.atomic.AtomicLong;

/**
 * The soak: the production job jar on the standalone cluster (one JobManager, two TaskManager
 * JVMs, configured as shipped) for {@code minutes} at a steady click rate, with fine-tuning
 * snapshots on, {@code trainer finetune --watch} publishing versions beside it and the job
 * swapping them in, users churning under a short TTL, and a trickle of malformed records for the
 * dead-letter path. Every {@code sampleEvery} it records what the processes, RocksDB, the
 * checkpoints and Kafka cost (see {@link SoakSampler}); at the end every click must have exactly
 * one list. Writes soak.json and soak.svg.
 */
public final class SoakRun {
    private static final String ENTRY_CLASS = "io.nextitem.cli.NextItemCli";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** After the last click: how long the job may take to answer the backlog before what is missing counts as lost. */
    private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(10);
    /** After the last answer: how long to keep reading for duplicates. */
    private static final Duration QUIET = Duration.ofSeconds(10);

    private final SoakSettings settings;
    private final PrintStream log;

    public SoakRun(SoakSettings settings, PrintStream log) {
        this.settings = settings;
        this.log = log;
    }

    /** Runs the soak and writes {@code out} (JSON) and the plot beside it; returns the result. */
    public Map<String, Object> run(Path out, String rateSource) throws Exception {
        Path work = Files.createTempDirectory("nextitem-soak-");
        Path registry = work.resolve("registry");
        ClasspathFolder.copy(DemoRunner.DEMO_REGISTRY_RESOURCE, registry);
        Path snapshots = Files.createDirectories(work.resolve("snapshots"));
        ModelVersion model = ModelVersion.load(new ModelRegistry(registry).resolve("latest"));
        String run = "soak-" + UUID.randomUUID().toString().substring(0, 8);
        List<Map<String, Object>> rows = new ArrayList<>();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("run", "nextitem soak: the job jar on a standalone cluster of processes");
        result.put("settings", settingsJson());
        result.put("rate_source", rateSource);
        result.put("model", model.name());
        result.put("model_version_at_start", model.version());
        result.put("machine", MachineFacts.describe());
        result.put("commit", MachineFacts.commit());
        result.put("taken_at", Instant.now().toString());
        log.printf("soak %s: %d min at %,.0f clicks/s, %,d active users (+%,.0f/min), TTL %d min; work in %s%n", run,
                settings.minutes(), settings.eventsPerSecond(), settings.activeUsers(), settings.newUsersPerMinute(),
                settings.ttlMinutes(), work);
        StandaloneCluster.Options options = new StandaloneCluster.Options();
        options.home = work.resolve("cluster");
        options.restPort = LocalKafkaBroker.freePort();
        options.rpcPort = LocalKafkaBroker.freePort();
        try (LocalKafkaBroker broker = LocalKafkaBroker.start();
             StandaloneCluster cluster = StandaloneCluster.startSession(options)) {
            log.printf("standalone cluster: dashboard %s, logs in %s%n", cluster.rest().base(), cluster.home().log());
            JobConfig config = jobConfig(broker.bootstrapServers(), run, registry, snapshots, work);
            Path configFile = work.resolve("job.yaml");
            JobConfigLoader.write(config, configFile);
            String jarId = cluster.rest().uploadJar(BuildOutputs.find("nextitem-job.jar", "nextitem.job.jar", "NEXTITEM_JOB_JAR"));
            String job = cluster.rest().runJar(jarId, ENTRY_CLASS, List.of("run", "--config", configFile.toString()),
                    settings.parallelism(), null);
            cluster.rest().awaitAllRunning(job, Duration.ofMinutes(3));
            result.put("job_config", configFile.getFileName().toString());
            Process finetune = settings.finetune() ? startFinetune(registry, snapshots, work.resolve("finetune.log")) : null;
            ChurningClicks clicks = new ChurningClicks(run, model.items(), settings.activeUsers(),
                    settings.newUsersPerMinute(), settings.seed());
            AtomicLong malformed = new AtomicLong();
            try (AnswerTally tally = new AnswerTally(config.kafka.bootstrapServers, config.kafka.recommendationsTopic,
                         clicks::numberOf);
                 ClickReplayer producer = new ClickReplayer(config.kafka.bootstrapServers, config.kafka.clicksTopic);
                 SoakSampler sampler = new SoakSampler(cluster, job, config, tally, clicks::sent, malformed::get, registry)) {
                produce(producer, clicks, malformed, sampler, rows);
                log.printf("produced %,d clicks and %,d malformed records; waiting for every list%n", clicks.sent(), malformed.get());
                long drainStarted = System.nanoTime();
                tally.awaitAll(clicks.sent(), DRAIN_TIMEOUT, QUIET);
                result.put("drain_seconds", Math.round((System.nanoTime() - drainStarted) / 1e8) / 10.0);
                rows.add(sampler.sample(settings.minutes() + (System.nanoTime() - drainStarted) / 6e10));
                result.put("clicks", clicks.sent());
                result.put("lost", tally.missingOf(clicks.sent()));
                result.put("duplicated", tally.duplicated());
                result.put("foreign_lists", tally.foreign());
                result.put("malformed_sent", malformed.get());
                result.put("lists_by_model_version", tally.listsByModelVersion());
                result.put("recoveries", cluster.rest().highestAttempt(job));
                result.put("job_state_at_end", cluster.rest().jobState(job));
            } finally {
                if (finetune != null) {
                    finetune.destroy();
                    finetune.waitFor();
                    result.put("finetune_published", publishedLines(work.resolve("finetune.log")));
                }
                cluster.rest().cancel(job);
            }
        }
        // The last row is taken after the drain; slopes and the state check use the rows of the steady run.
        List<Map<String, Object>> steady = rows.subList(0, Math.max(1, rows.size() - 1));
        Map<String, Map<String, Object>> series = SoakReport.series(steady);
        Map<String, Object> stateCheck = SoakReport.stateCheck(steady, settings.minutes(),
                settings.ttlMinutes() + settings.activeUsers() / Math.max(1e-9, settings.newUsersPerMinute()));
        result.put("minutes", settings.minutes());
        result.put("state_check", stateCheck);
        result.put("series", series);
        result.put("samples", rows);
        long deadLetters = rows.isEmpty() || !(rows.get(rows.size() - 1).get("dead_letters") instanceof Number n) ? -1 : n.longValue();
        result.put("dead_letters", deadLetters);
        boolean passed = ((Number) result.get("lost")).longValue() == 0 && ((Number) result.get("duplicated")).longValue() == 0
                && deadLetters == ((Number) result.get("malformed_sent")).longValue()
                && Boolean.TRUE.equals(stateCheck.get("passed"));
        result.put("passed", passed);
        Files.createDirectories(out.toAbsolutePath().getParent());
        JSON.writeValue(out.toFile(), result);
        Path plot = out.resolveSibling(out.getFileName().toString().replaceFirst("\\.json$", "") + ".svg");
        SoakPlot.write(plot, steady, series, String.format("nextitem soak: %d min at %,.0f clicks/s, TTL %d min (%s)",
                settings.minutes(), settings.eventsPerSecond(), settings.ttlMinutes(), result.get("commit")));
        log.printf("%s: lost %s, duplicated %s, dead letters %d of %s malformed; wrote %s and %s%n",
                passed ? "passed" : "FAILED", result.get("lost"), result.get("duplicated"), deadLetters,
                result.get("malformed_sent"), out, plot);
        WorkFolders.finish(work, passed, log);
        return result;
    }

    /** Produces at the set rate for the set minutes, sampling on schedule; a sample line is the progress report. */
    private void produce(ClickReplayer producer, ChurningClicks clicks, AtomicLong malformed, SoakSampler sampler,
                         List<Map<String, Object>> rows) throws Exception {
        long start = System.nanoTime();
        long end = start + Duration.ofMinutes(settings.minutes()).toNanos();
        long sampleEvery = settings.sampleEvery().toNanos();
        long nextSample = start;
        long records = 0;
        while (System.nanoTime() < end) {
            long now = System.nanoTime();
            if (now >= nextSample) {
                Map<String, Object> row = sampler.sample((now - start) / 6e10);
                rows.add(row);
                log.println("  " + progressLine(row));
                nextSample += sampleEvery;
            }
            double minutesIn = (now - start) / 6e10;
            // Catch up to the schedule in one go (at most 100 records), then sleep a little.
            long due = (long) ((now - start) / 1e9 * settings.eventsPerSecond());
            for (int i = 0; records < due && i < 100; i++, records++) {
                if (settings.malformedEvery() > 0 && records % settings.malformedEvery() == settings.malformedEvery() - 1) {
                    producer.sendRaw("soak-malformed".getBytes(StandardCharsets.UTF_8),
                            ("not avro " + records).getBytes(StandardCharsets.UTF_8), System.currentTimeMillis());
                    malformed.incrementAndGet();
                } else {
                    producer.send(clicks.next(minutesIn, System.currentTimeMillis()));
                }
            }
            if (records >= due) {
                Thread.sleep(2);
            }
        }
        producer.flush();
    }

    private static String progressLine(Map<String, Object> row) {
        return String.format("minute %5.1f: sent %,d, answered %,d, lag %s, checkpoint %s MiB in %s ms, RocksDB %s MiB, "
                        + "TM RSS %s/%s MiB, heap after GC %s/%s MiB, dead letters %s, versions %s%s",
                ((Number) row.get("minute")).doubleValue(), row.get("clicks_sent"), row.get("lists_answered"),
                row.get("consumer_lag_records"), row.get("checkpoint_state_mib"), row.get("checkpoint_duration_ms"),
                row.get("rocksdb_mib"), row.get("taskmanager-1.rss_mib"), row.get("taskmanager-2.rss_mib"),
                row.get("taskmanager-1.heap_after_gc_mib"), row.get("taskmanager-2.heap_after_gc_mib"),
                row.get("dead_letters"), row.get("model_versions_published"),
                row.containsKey("unread") ? " (unread: " + row.get("unread") + ")" : "");
    }

    /**
     * The production config (deploy/nextitem.yaml) with this soak's topics, consumer group,
     * folders, TTL and snapshots, the batching the measured rate was taken with, and the registry
     * watched every 5 s.
     */
    private JobConfig jobConfig(String bootstrapServers, String run, Path registry, Path snapshots, Path work)
            throws Exception {
        JobConfig config = JobConfigLoader.load(Path.of("deploy", "nextitem.yaml"));
        JobConfig isolated = JobConfig.isolatedRun(bootstrapServers, "soak", run);
        config.kafka.bootstrapServers = bootstrapServers;
        config.kafka.clicksTopic = isolated.kafka.clicksTopic;
        config.kafka.recommendationsTopic = isolated.kafka.recommendationsTopic;
        config.kafka.deadLetterTopic = isolated.kafka.deadLetterTopic;
        config.kafka.groupId = isolated.kafka.groupId;
        config.kafka.transactionalIdPrefix = isolated.kafka.transactionalIdPrefix;
        config.kafka.startingOffsets = isolated.kafka.startingOffsets;
        config.parallelism = settings.parallelism();
        config.model.registry = registry.toString();
        config.model.watchIntervalMs = 5_000;
        config.model.batchMaxSize = 64;
        config.sequence.ttlMinutes = settings.ttlMinutes();
        config.snapshots.dir = snapshots.toUri().toString();
        config.snapshots.intervalMinutes = settings.snapshotIntervalMinutes();
        config.checkpoint.dir = Files.createDirectories(work.resolve("checkpoints")).toUri().toString();
        config.validated();
        KafkaTopics.create(bootstrapServers, 2, List.of(config.kafka.clicksTopic));
        KafkaTopics.create(bootstrapServers, 1, List.of(config.kafka.recommendationsTopic, config.kafka.deadLetterTopic));
        return config;
    }

    /** The trainer's own loop, as an operator runs it beside the job; its output goes to {@code logFile}. */
    private Process startFinetune(Path registry, Path snapshots, Path logFile) throws IOException {
        log.println("starting trainer finetune --watch (log: " + logFile + ")");
        return new ProcessBuilder("src/trainer/bin/trainer", "finetune", "--registry", registry.toString(),
                "--snapshots", snapshots.toString(), "--watch", "--interval-seconds", "10", "--epochs", "1",
                "--tolerance", "1", "--no-progress")
                .redirectErrorStream(true).redirectOutput(logFile.toFile()).start();
    }

    private static long publishedLines(Path logFile) throws IOException {
        try (var lines = Files.lines(logFile)) {
            // "published <version> (parent <version>): ..." (a refusal reads "not published: ...")
            return lines.filter(l -> l.contains("published ") && l.contains(" (parent ")).count();
        }
    }

    private Map<String, Object> settingsJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("minutes", settings.minutes());
        json.put("events_per_s", settings.eventsPerSecond());
        json.put("active_users", settings.activeUsers());
        json.put("new_users_per_minute", settings.newUsersPerMinute());
        json.put("expected_users_in_state", settings.expectedUsersInState());
        json.put("sequence_ttl_minutes", settings.ttlMinutes());
        json.put("snapshot_interval_minutes", settings.snapshotIntervalMinutes());
        json.put("sample_every_s", settings.sampleEvery().toSeconds());
        json.put("malformed_every", settings.malformedEvery());
        json.put("finetune", settings.finetune() ? "trainer finetune --watch --epochs 1 --tolerance 1" : "off");
        json.put("parallelism", settings.parallelism());
        json.put("batch_max_size", 64);
        json.put("delivery", "exactly-once");
        json.put("provider_requested", "auto (CPU here: no GPU)");
        json.put("seed", settings.seed());
        return json;
    }
}
