package io.nextitem.tools.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.nextitem.avro.ClickEvent;
import io.nextitem.inference.OnnxEncoder;
import io.nextitem.tools.WorkFolders;
import io.nextitem.tools.kafka.KafkaTopics;
import io.nextitem.tools.kafka.LocalKafkaBroker;
import io.nextitem.model.ModelVersion;
import io.nextitem.tools.replay.ClickReplayer;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The benchmark suite in one run, so its ratios are taken side by side: the bare ONNX
 * Runtime ceiling, the full job (real broker, exactly-once) at its maximum sustainable rate with
 * micro-batching and per event, and latency at fractions of that rate in both delivery modes.
 * Writes one result file with every stage and the headline {@code summary.json}.
 */
public final class BenchSuite {
    public static final Set<String> STAGES = Set.of("ceiling", "job", "per-event", "latency", "state", "scaling", "controls");
    /** The stages whose figures the headline (summary.json) compares; state adds to it when run. */
    private static final Set<String> HEADLINE_STAGES = Set.of("ceiling", "job", "per-event", "latency");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final int CEILING_WARMUP = 5;
    private static final int CEILING_REPETITIONS = 30;

    private BenchSuite() {}

    public static Map<String, Object> run(BenchSettings settings, Set<String> stages, Path outDir, PrintStream log)
            throws Exception {
        ModelVersion version = ModelVersion.load(settings.version());
        Path work = Files.createTempDirectory("nextitem-bench-");
        Path registry = work.resolve("registry");
        Files.createDirectories(registry);
        // The job serves the newest version of its registry: a registry of this one version alone.
        Files.createSymbolicLink(registry.resolve(version.version()), settings.version().toAbsolutePath());

        Map<String, Object> result = new LinkedHashMap<>();
        result.put("benchmark", "nextitem bench (the performance protocol: warm-up, repetitions, the machine named)");
        result.put("model", version.name());
        result.put("model_version", version.version());
        result.put("num_items", version.manifest().numItems());
        result.put("max_seq_len", version.manifest().maxSeqLen());
        result.put("settings", settings.describe());
        result.put("machine", MachineFacts.describe());
        result.put("commit", MachineFacts.commit());
        result.put("taken_at", Instant.now().toString());

        Double ceiling = null;
        if (stages.contains("ceiling")) {
            log.println("ceiling: bare ONNX Runtime, full-length requests");
            Map<String, Object> stage = ceilingStage(version, settings);
            result.put("ceiling", stage);
            ceiling = (Double) stage.get("events_per_s_at_batch_limit");
            result.put("provider", stage.get("execution_provider"));
            log.printf("  %s, batch %d: %,.0f requests/s%n", stage.get("execution_provider"), settings.batchMaxSize(), ceiling);
        }
        Double job = null;
        Double perEvent = null;
        if (stages.contains("job") || stages.contains("per-event") || stages.contains("latency")
                || stages.contains("state") || stages.contains("scaling") || stages.contains("controls")) {
            log.println("starting a local Kafka broker (KRaft, own JVM) ...");
            try (LocalKafkaBroker broker = LocalKafkaBroker.start()) {
                String bootstrap = broker.bootstrapServers();
                int fillRounds = version.manifest().maxSeqLen();
                List<ClickEvent> clicks = BenchClicks.rounds(settings.users(), fillRounds + settings.measuredRounds(),
                        version.items(), settings.seed(), "b-", System.currentTimeMillis() - 86_400_000L);
                int fillClicks = settings.users() * fillRounds;
                String clicksTopic = "bench-clicks";
                if (stages.contains("job") || stages.contains("per-event") || stages.contains("controls")) {
                    KafkaTopics.create(bootstrap, 2, List.of(clicksTopic));
                    log.printf("preloading %,d clicks (%,d users x %d rounds)%n", clicks.size(), settings.users(),
                            fillRounds + settings.measuredRounds());
                    try (ClickReplayer producer = new ClickReplayer(bootstrap, clicksTopic)) {
                        producer.replay(clicks, 0, null);
                    }
                }
                if (stages.contains("job")) {
                    log.printf("job: micro-batched (max %d, %d ms), exactly-once%n", settings.batchMaxSize(),
                            settings.batchMaxDelayMs());
                    Map<String, Object> stage = ThroughputStage.run("job", bootstrap, registry, work, clicksTopic,
                            clicks.size(), fillClicks, fillRounds, settings, settings.batchMaxSize(), true, log);
                    result.put("job", stage);
                    job = (Double) stage.get("events_per_s_median");
                }
                if (stages.contains("controls")) {
                    result.put("controls", ControlsStage.run(bootstrap, version, work, clicksTopic, clicks.size(),
                            fillClicks, fillRounds, settings, log));
                }
                if (stages.contains("per-event")) {
                    log.println("job: per-event inference (batch 1), exactly-once");
                    Map<String, Object> stage = ThroughputStage.run("per-event", bootstrap, registry, work, clicksTopic,
                            clicks.size(), fillClicks, fillRounds, settings, 1, true, log);
                    result.put("per_event_job", stage);
                    perEvent = (Double) stage.get("events_per_s_median");
                }
                if (stages.contains("latency")) {
                    boolean atRates = settings.latencyRates().length > 0;
                    if (job == null && !atRates) {
                        throw new IllegalArgumentException("the latency stage runs at fractions of the job's maximum "
                                + "rate: run it with the job stage, or give --latency-rates");
                    }
                    double[] loads = atRates ? settings.latencyRates() : settings.loadFractions();
                    if (job == null && settings.warmupRuns() > 0) {
                        // No job stage warmed this JVM: its first paced point would run cold (JIT, a
                        // backlog it never catches up on) and measure that instead of the setting.
                        log.printf("latency warm-up (not counted): %,.0f events/s, at-least-once%n", loads[0]);
                        Map<String, Object> warmup = LatencyStage.run(bootstrap, registry, work, version.items(),
                                fillRounds, settings, loads[0], false, log);
                        result.put("latency_warmup", warmup);
                    }
                    List<Map<String, Object>> points = new ArrayList<>();
                    for (boolean exactlyOnce : new boolean[] {true, false}) {
                        for (double load : loads) {
                            double rate = atRates ? load : load * job;
                            log.printf("latency: %,.0f events/s%s, %s%n", rate,
                                    atRates ? "" : String.format(" (%.0f%% of %,.0f)", load * 100, job),
                                    exactlyOnce ? "exactly-once" : "at-least-once");
                            Map<String, Object> point = LatencyStage.run(bootstrap, registry, work, version.items(),
                                    fillRounds, settings, rate, exactlyOnce, log);
                            if (!atRates) {
                                point.put("load_fraction", load);
                            }
                            points.add(point);
                        }
                    }
                    result.put("latency", points);
                }
                if (stages.contains("state")) {
                    List<Map<String, Object>> sizes = new ArrayList<>();
                    for (long users : settings.stateUsers()) {
                        log.printf("state: %,d users with full sequences%n", users);
                        sizes.add(StateScaleStage.run(bootstrap, registry, work, version, users, settings.stateClicks(),
                                settings, log));
                    }
                    result.put("state", sizes);
                }
                if (stages.contains("scaling")) {
                    if (settings.scalingVersions().isEmpty()) {
                        throw new IllegalArgumentException("the scaling stage needs --scaling-versions (one version per catalogue size)");
                    }
                    result.put("scaling", ScalingStage.run(bootstrap, work, settings, log));
                }
            }
        }
        result.put("bench_process_rss_gib", MachineFacts.residentGib());
        Map<String, Object> summary = Summary.of(result, ceiling, job, perEvent, settings);
        result.put("summary", summary);
        // A state-only run keeps its own file, so the headline run's stages stay as they were taken.
        String name = stages.equals(Set.of("state")) ? "state_" : stages.equals(Set.of("scaling")) ? "scaling_"
                : stages.equals(Set.of("controls")) ? "controls_" : "bench_";
        write(outDir.resolve(name + version.version() + ".json"), result);
        Path summaryFile = outDir.resolve("summary.json");
        if (stages.containsAll(HEADLINE_STAGES)) {
            write(summaryFile, summary);
        } else if (stages.contains("scaling")) {
            // The catalogue scaling table joins whatever headline is there (it spans versions).
            Map<String, Object> headline = Files.isRegularFile(summaryFile) ? JSON.readValue(summaryFile.toFile(),
                    new com.fasterxml.jackson.core.type.TypeReference<LinkedHashMap<String, Object>>() {}) : new LinkedHashMap<>();
            headline.put("catalogue_scaling", summary.get("catalogue_scaling"));
            write(summaryFile, headline);
        } else if (stages.contains("state") && Files.isRegularFile(summaryFile)) {
            // The state figures of a separate run join the headline of the same version, marked as such.
            Map<String, Object> headline = JSON.readValue(summaryFile.toFile(),
                    new com.fasterxml.jackson.core.type.TypeReference<LinkedHashMap<String, Object>>() {});
            if (version.version().equals(headline.get("model_version"))) {
                write(summaryFile, Summary.withState(headline, summary));
            }
        }
        WorkFolders.finish(work, true, log); // a stage that fails throws before this, and keeps it
        return result;
    }

    private static Map<String, Object> ceilingStage(ModelVersion version, BenchSettings settings) throws Exception {
        TreeSet<Integer> sizes = new TreeSet<>(List.of(1, 2, 4, 8, 16, 32, 64, 128, 256));
        sizes.add(settings.batchMaxSize());
        int[] batchSizes = sizes.stream().mapToInt(Integer::intValue).toArray();
        try (OnnxEncoder encoder = new OnnxEncoder(version, settings.provider(), settings.intraOpThreads())) {
            List<EncoderBenchmark.BatchTiming> timings = EncoderBenchmark.run(version, encoder, batchSizes,
                    CEILING_WARMUP, CEILING_REPETITIONS);
            Map<String, Object> stage = new LinkedHashMap<>();
            stage.put("execution_provider", encoder.provider().name());
            stage.put("intra_op_threads", settings.intraOpThreads());
            stage.put("requests", "full length: every row max_seq_len known items, no padding (SyntheticRequests)");
            List<Map<String, Object>> rows = timings.stream().map(EncoderBenchmark.BatchTiming::summary).toList();
            stage.put("timings", rows);
            stage.put("events_per_s_at_batch_limit", requestsPerSecondAt(rows, settings.batchMaxSize()));
            return stage;
        }
    }

    /** The ceiling stage's median requests/s at one batch size, or null where that size was not timed. */
    static Double requestsPerSecondAt(List<Map<String, Object>> timings, int batchSize) {
        return timings.stream()
                .filter(t -> ((Number) t.get("batch_size")).intValue() == batchSize)
                .map(t -> ((Number) t.get("requests_per_second_median")).doubleValue()).findFirst().orElse(null);
    }

    static void write(Path file, Object value) throws java.io.IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, JSON.writeValueAsString(value) + "\n");
    }
}
