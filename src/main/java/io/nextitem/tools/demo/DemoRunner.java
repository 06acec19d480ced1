package io.nextitem.tools.demo;

import io.nextitem.avro.ClickEvent;
import io.nextitem.avro.Recommendation;
import io.nextitem.avro.RecommendationSource;
import io.nextitem.config.JobConfig;
import io.nextitem.job.JobEnvironment;
import io.nextitem.job.NextItemJob;
import io.nextitem.model.ModelUpdateHistory;
import io.nextitem.tools.kafka.KafkaTopics;
import io.nextitem.tools.kafka.LocalKafkaBroker;
import io.nextitem.tools.replay.ClickReplayer;
import io.nextitem.tools.replay.RecommendationReader;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The embedded default: a real KRaft broker in its own JVM, the job on a local Flink cluster
 * with its dashboard, clicks replayed into Kafka, recommendations read back (read_committed)
 * and judged prequentially as they arrive.
 */
public final class DemoRunner {
    /** Shipped with the jar: a small model trained on the synthetic click world, and clicks from it. */
    public static final String DEMO_REGISTRY_RESOURCE = "nextitem/demo/registry";
    public static final String DEMO_CLICKS_RESOURCE = "nextitem/demo/clicks.csv.gz";
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(90);

    private final PrintStream out;
    private final int dashboardPort;
    /** 0 = no Prometheus endpoint. */
    private final int prometheusPort;
    private final int printEvery;

    public DemoRunner(PrintStream out, int dashboardPort, int prometheusPort, int printEvery) {
        this.out = out;
        this.dashboardPort = dashboardPort;
        this.prometheusPort = prometheusPort;
        this.printEvery = printEvery;
    }

    /**
     * What to serve and what to write besides the defaults: a registry of one's own (watched, so
     * versions published while the replay runs swap in), snapshots for the fine-tuning loop, and
     * a result file with the prequential figures per model version (the streaming protocol).
     */
    /** @param settings job settings (KEY=VALUE, docs/configuration.md) applied over the demo's own */
    public record Options(Path registry, Path snapshots, long snapshotIntervalMinutes, Path result,
                          Map<String, Object> replayed, List<String> settings) {
        public Options(Path registry, Path snapshots, long snapshotIntervalMinutes, Path result, Map<String, Object> replayed) {
            this(registry, snapshots, snapshotIntervalMinutes, result, replayed, List.of());
        }

        public static Options defaults() {
            return new Options(null, null, 1440, null, Map.of());
        }
    }

    /** @return the prequential HR@10 over the replay */
    public double run(List<ClickEvent> clicks, double eventsPerSecond) throws Exception {
        return run(clicks, eventsPerSecond, Options.defaults());
    }

    public double run(List<ClickEvent> clicks, double eventsPerSecond, Options options) throws Exception {
        Path work = Files.createTempDirectory("nextitem-demo-");
        Path registry = options.registry();
        if (registry == null) {
            registry = work.resolve("registry");
            ClasspathFolder.copy(DEMO_REGISTRY_RESOURCE, registry);
        }

        out.println("Starting a local Kafka broker (KRaft, own JVM) ...");
        try (LocalKafkaBroker broker = LocalKafkaBroker.start()) {
            JobConfig config = demoConfig(broker.bootstrapServers(), registry, work, options);
            KafkaTopics.create(broker.bootstrapServers(), 2, List.of(config.kafka.clicksTopic));
            KafkaTopics.create(broker.bootstrapServers(), 1,
                    List.of(config.kafka.recommendationsTopic, config.kafka.deadLetterTopic));
            // Topics a --set may name (model decisions, item rules, live judgements) exist before the job reads them.
            List<String> optional = new java.util.ArrayList<>();
            if (config.model.readsUpdates()) {
                optional.add(config.model.updatesTopic);
            }
            if (config.items.enabled()) {
                optional.add(config.items.topic);
            }
            if (!config.kafka.liveQualityTopic.isEmpty()) {
                optional.add(config.kafka.liveQualityTopic);
            }
            if (!optional.isEmpty()) {
                KafkaTopics.create(broker.bootstrapServers(), 1, optional);
            }

            StreamExecutionEnvironment env = JobEnvironment.createLocalWithDashboard(config, dashboardPort, prometheusPort);
            NextItemJob.build(env, config);
            JobClient job = env.executeAsync(NextItemJob.JOB_NAME + "-demo");
            out.printf("Flink job %s running; dashboard at http://localhost:%d%s%n", job.getJobID(), dashboardPort,
                    prometheusPort > 0 ? ", metrics at http://localhost:" + prometheusPort + "/metrics" : "");
            try {
                return replayAndJudge(clicks, eventsPerSecond, config, broker.bootstrapServers(), options);
            } finally {
                job.cancel().get();
            }
        }
    }

    private double replayAndJudge(List<ClickEvent> clicks, double eventsPerSecond, JobConfig config, String bootstrap,
                                  Options options) throws Exception {
        PrequentialEvaluator judge = new PrequentialEvaluator(clicks, 10);
        AtomicLong received = new AtomicLong();
        AtomicLong fromModel = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        long start = System.nanoTime();
        Thread reader = new Thread(() -> {
            try (RecommendationReader recommendations =
                         new RecommendationReader(bootstrap, config.kafka.recommendationsTopic, true)) {
                while (!stop.get()) {
                    for (Recommendation r : recommendations.poll(Duration.ofMillis(200))) {
                        judge.accept(r);
                        long n = received.incrementAndGet();
                        if (r.getSource() == RecommendationSource.MODEL) {
                            fromModel.incrementAndGet();
                        }
                        if (n % printEvery == 1) {
                            out.printf("%n[%,d] user %s -> %s (%s %s)  prequential HR@10 %.4f over %,d%n", n,
                                    r.getUserId(), r.getItems().stream().limit(5).map(i -> i.getItemId()).toList(),
                                    r.getSource(), r.getModelVersion(), judge.hitRate(), judge.judged());
                        }
                    }
                }
            } catch (Exception e) {
                out.println("\nrecommendation reader failed: " + e);
            }
        }, "demo-recommendation-reader");
        reader.setDaemon(true);
        reader.start();

        try (ClickReplayer replayer = new ClickReplayer(bootstrap, config.kafka.clicksTopic)) {
            replayer.replay(clicks, eventsPerSecond, out);
        }
        long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
        while (received.get() < clicks.size() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        stop.set(true);
        reader.join(5_000);
        double seconds = (System.nanoTime() - start) / 1e9;
        out.printf("%nDone: %,d clicks replayed, %,d recommendations received (%,d from the model) in %.1f s%n",
                clicks.size(), received.get(), fromModel.get(), seconds);
        out.printf("Prequential HR@10 %.4f, NDCG@10 %.4f over %,d judged lists%n",
                judge.hitRate(), judge.ndcg(), judge.judged());
        judge.byVersion().forEach((version, q) -> out.printf("  %s: HR@10 %.4f, NDCG@10 %.4f over %,d lists%n",
                version, q.hitRate(), q.ndcg(), q.judged()));
        if (options.result() != null) {
            java.util.List<Map<String, Object>> decisions = config.model.readsUpdates()
                    ? ModelUpdateHistory.read(bootstrap, config.kafka.clientProperties(), config.model.updatesTopic).updates()
                            .stream().map(ModelUpdateHistory::describe).toList()
                    : null;
            StreamResult.write(options.result(), judge, clicks.size(), received.get(), seconds, config, options, decisions);
            out.println("Wrote " + options.result());
        }
        if (received.get() < clicks.size()) {
            throw new IllegalStateException("only " + received.get() + " of " + clicks.size()
                    + " recommendations arrived within " + DRAIN_TIMEOUT.toSeconds() + " s of the last click");
        }
        return judge.hitRate();
    }

    private static JobConfig demoConfig(String bootstrap, Path registry, Path work, Options options) {
        JobConfig config = new JobConfig();
        config.kafka.bootstrapServers = bootstrap;
        config.kafka.startingOffsets = "earliest";
        config.kafka.transactionalIdPrefix = "nextitem-demo-" + System.currentTimeMillis();
        config.model.registry = registry.toString();
        config.checkpoint.dir = work.resolve("checkpoints").toUri().toString();
        // Exactly-once output is visible at checkpoint completion: a short interval keeps the demo lively.
        config.checkpoint.intervalMs = 1_000;
        config.model.watchIntervalMs = 1_000;
        if (options.snapshots() != null) {
            config.snapshots.dir = options.snapshots().toAbsolutePath().toUri().toString();
            config.snapshots.intervalMinutes = options.snapshotIntervalMinutes();
        }
        return io.nextitem.config.JobConfigLoader.override(config, options.settings(), "demo --set").validated();
    }
}
