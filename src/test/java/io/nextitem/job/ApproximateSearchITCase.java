package io.nextitem.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.nextitem.ann.HnswParameters;
import io.nextitem.ann.NormBands;
import io.nextitem.ann.NpyFloatMatrix;
import io.nextitem.ann.SharedItemIndexes;
import io.nextitem.ann.VersionIndexer;
import io.nextitem.config.JobConfig;
import io.nextitem.config.ModelSettings;
import io.nextitem.avro.ClickEvent;
import io.nextitem.avro.RankedItem;
import io.nextitem.avro.Recommendation;
import io.nextitem.avro.RecommendationSource;
import io.nextitem.inference.SequenceRecommender;
import io.nextitem.sequence.ScoringRequest;
import io.nextitem.testing.BrokerAndFlinkITCase;
import io.nextitem.testing.Clicks;
import io.nextitem.testing.KafkaTestTopics;
import io.nextitem.tools.replay.ClickReplayer;
import io.nextitem.testing.JobUnderTest;
import io.nextitem.testing.RetrievalFormFixture;
import io.nextitem.testing.TestModels;
import io.nextitem.testing.VersionFixtures;
import io.nextitem.tools.kafka.KafkaTopics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.Test;

/**
 * model.search: approximate on a real job (MiniCluster, Kafka broker): the job answers every click
 * through query.onnx and the version's HNSW index, with the lists exact search gives on this
 * small catalogue; a starting version whose ann/ index file is damaged fails the job once, with
 * the reason, and does not restart.
 */
class ApproximateSearchITCase extends BrokerAndFlinkITCase {
    private static final Path SASREC = TestModels.versionIn(TestModels.ROOT.resolve("sasrec"));

    @Test
    void servesEveryClickThroughTheIndexWithTheExactLists() throws Exception {
        Path registry = Files.createDirectories(tmp.resolve("serving-registry"));
        Path version = VersionFixtures.publish(SASREC, registry, "sasrec-ann", "2026-01-01T00:00:00Z", staged -> {
            try {
                VersionIndexer.index(staged, HnswParameters.DEFAULT, line -> { });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        JobConfig config = JobUnderTest.configFor(broker, registry, Files.createDirectories(tmp.resolve("checkpoints-serving")));
        config.model.search = ModelSettings.SEARCH_APPROXIMATE;
        // deep enough that the 500-item test catalogue's graph gives back the whole exact top 10
        config.model.searchEf = 400;
        // the longest norm band scanned exactly, the others searched through their graphs: both paths serve
        NpyFloatMatrix vectors = NpyFloatMatrix.open(version.resolve("item_vectors.npy"));
        config.model.searchExactItems = NormBands.counts(NormBands.assign(NormBands.norms(vectors),
                HnswParameters.DEFAULT_NORM_BANDS), HnswParameters.DEFAULT_NORM_BANDS)[0];
        assertThat(config.model.searchExactItems).isPositive().isLessThan(vectors.rows());
        JobClient job = JobUnderTest.start(broker, config);

        List<String> items = TestModels.idsIn(version, "items.tsv");
        Random random = new Random(5);
        List<ClickEvent> clicks = new ArrayList<>();
        for (int step = 0; step < 4; step++) {
            for (int user = 0; user < 30; user++) {
                clicks.add(Clicks.click("user-" + user, items.get(random.nextInt(items.size())), Clicks.T0 + step * 1000L + user));
            }
        }
        try (ClickReplayer producer = new ClickReplayer(broker.bootstrapServers(), config.kafka.clicksTopic)) {
            for (ClickEvent click : clicks) {
                producer.send(click);
            }
            producer.flush();
        }
        List<Recommendation> recommendations = KafkaTestTopics.readCommitted(broker.bootstrapServers(),
                        config.kafka.recommendationsTopic, clicks.size(), Duration.ofSeconds(120), Duration.ofSeconds(2))
                .stream().map(r -> JobUnderTest.decode(r, Recommendation::fromByteBuffer)).toList();
        assertThat(job.getJobStatus().get()).as("the job never failed or restarted").isEqualTo(JobStatus.RUNNING);
        job.cancel().get();

        assertThat(recommendations).hasSize(clicks.size());
        Map<String, List<String>> historyAt = new HashMap<>();
        Map<String, List<String>> byUser = new HashMap<>();
        for (ClickEvent click : clicks) {
            List<String> history = byUser.computeIfAbsent(click.getUserId(), u -> new ArrayList<>());
            history.add(click.getItemId());
            historyAt.put(click.getEventId(), List.copyOf(history));
        }
        ModelSettings exactSettings = new ModelSettings();
        exactSettings.registry = registry.toString();
        exactSettings.search = ModelSettings.SEARCH_EXACT;
        try (SequenceRecommender exact = SequenceRecommender.open(version, exactSettings)) {
            for (Recommendation r : recommendations) {
                String[] history = historyAt.get(r.getTriggerEventId()).toArray(String[]::new);
                Recommendation expected = exact.recommend(new ScoringRequest(r.getUserId(), r.getTriggerEventId(),
                        r.getEventTimeMillis(), history, new long[history.length], new String[history.length]), 0L);
                assertThat(r.getSource()).isEqualTo(RecommendationSource.MODEL);
                assertThat(r.getModelVersion()).isEqualTo("sasrec-ann");
                assertThat(r.getItems()).extracting(RankedItem::getItemId).as("list for " + r.getTriggerEventId())
                        .hasSize(10).doesNotContainAnyElementsOf(List.of(history))
                        .isEqualTo(expected.getItems().stream().map(RankedItem::getItemId).toList());
            }
        }
    }

    /**
     * Under approximate search a published version whose index file is damaged is refused and the
     * serving one stays; a sound one swaps in. The TaskManager (this JVM's MiniCluster) holds one
     * index for both subtasks, and after the swap only the new version's.
     */
    @Test
    void aVersionWithACorruptIndexIsRefusedAtASwapAndTheOldIndexIsReleasedAfterOne() throws Exception {
        Path registry = Files.createDirectories(tmp.resolve("swap-registry"));
        publishIndexed(registry, "sasrec-v1", "2026-02-01T00:00:00Z", false);
        JobConfig config = JobUnderTest.configFor(broker, registry, Files.createDirectories(tmp.resolve("checkpoints-swap")));
        config.model.search = ModelSettings.SEARCH_APPROXIMATE;
        config.model.watchIntervalMs = 200;
        JobClient job = JobUnderTest.start(broker, config);
        List<String> items = TestModels.idsIn(SASREC, "items.tsv");
        List<ClickEvent> sent = new ArrayList<>();
        try (ClickReplayer producer = new ClickReplayer(broker.bootstrapServers(), config.kafka.clicksTopic)) {
            sendRound(producer, sent, items);
            assertThat(versionsOf(readAll(config, sent.size()))).containsOnlyKeys("sasrec-v1");
            assertThat(SharedItemIndexes.process().heldCount()).as("one index for both subtasks").isEqualTo(1);

            publishIndexed(registry, "sasrec-v2-corrupt", "2026-03-01T00:00:00Z", true);
            for (int round = 0; round < 3; round++) {
                sendRound(producer, sent, items);
                assertThat(versionsOf(readAll(config, sent.size()))).containsOnlyKeys("sasrec-v1");
            }

            publishIndexed(registry, "sasrec-v3", "2026-04-01T00:00:00Z", false);
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            Map<String, Long> round;
            do {
                int before = sent.size();
                sendRound(producer, sent, items);
                List<Recommendation> all = readAll(config, sent.size());
                round = versionsOf(all.stream().filter(r -> sentAfter(r, sent, before)).toList());
            } while (!round.keySet().equals(java.util.Set.of("sasrec-v3")) && System.nanoTime() < deadline);
            assertThat(round).as("a whole round served by v3 (both subtasks swapped)").containsOnlyKeys("sasrec-v3");
            assertThat(SharedItemIndexes.process().heldCount()).as("v1's index released after the swap").isEqualTo(1);
        }
        assertThat(job.getJobStatus().get()).as("no restart").isEqualTo(JobStatus.RUNNING);
        job.cancel().get();
        assertThat(versionsOf(readAll(config, sent.size()))).as("the corrupt version never served")
                .containsOnlyKeys("sasrec-v1", "sasrec-v3");
    }

    private static void publishIndexed(Path registry, String name, String createdAt, boolean corrupt) {
        VersionFixtures.publish(SASREC, registry, name, createdAt, staged -> {
            try {
                VersionIndexer.index(staged, HnswParameters.DEFAULT, line -> { });
                if (corrupt) {
                    try (Stream<Path> files = Files.list(staged.resolve("ann/lucene"))) {
                        Path graph = files.filter(f -> f.toString().endsWith(".vex")).findFirst().orElseThrow();
                        VersionFixtures.rewrite(staged, staged.relativize(graph).toString(), VersionFixtures::flipLastByte, false);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** 40 clicks of 20 users (both subtasks), each on an item of that user's own. */
    private static void sendRound(ClickReplayer producer, List<ClickEvent> sent, List<String> items) throws Exception {
        for (int i = 0; i < 40; i++) {
            int n = sent.size();
            ClickEvent click = Clicks.click("user-" + (n % 20), items.get((n / 20 * 7 + n % 20) % items.size()), Clicks.T0 + n * 1000L);
            producer.send(click);
            sent.add(click);
        }
        producer.flush();
    }

    private List<Recommendation> readAll(JobConfig config, int expected) {
        return KafkaTestTopics.readCommitted(broker.bootstrapServers(), config.kafka.recommendationsTopic, expected,
                        Duration.ofSeconds(60), Duration.ofMillis(500))
                .stream().map(r -> JobUnderTest.decode(r, Recommendation::fromByteBuffer)).toList();
    }

    private static Map<String, Long> versionsOf(List<Recommendation> recommendations) {
        return recommendations.stream().collect(java.util.stream.Collectors.groupingBy(Recommendation::getModelVersion,
                java.util.stream.Collectors.counting()));
    }

    private static boolean sentAfter(Recommendation r, List<ClickEvent> sent, int from) {
        for (int i = from; i < sent.size(); i++) {
            if (sent.get(i).getEventId().equals(r.getTriggerEventId())) {
                return true;
            }
        }
        return false;
    }

    @Test
    void aStartingVersionWithACorruptIndexFailsOnceWithTheReason() throws Exception {
        Path registry = Files.createDirectories(tmp.resolve("registry"));
        Path version = VersionFixtures.publish(TestModels.versionIn(TestModels.ROOT.resolve("sasrec")), registry,
                "sasrec-ann", "2026-01-01T00:00:00Z", staged -> {
                    try {
                        RetrievalFormFixture.addTo(staged, 8, 1);
                        VersionIndexer.index(staged, new HnswParameters(8, 40, false), line -> { });
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
        Path graphFile;
        try (Stream<Path> files = Files.list(version.resolve("ann/lucene"))) {
            graphFile = files.filter(f -> f.toString().endsWith(".vex")).findFirst().orElseThrow();
        }
        VersionFixtures.rewrite(version, version.relativize(graphFile).toString(), VersionFixtures::flipLastByte, false);

        JobConfig config = JobUnderTest.configFor(broker, registry, tmp.resolve("checkpoints"));
        config.model.search = ModelSettings.SEARCH_APPROXIMATE;
        KafkaTopics.create(broker.bootstrapServers(), 2, List.of(config.kafka.clicksTopic));
        KafkaTopics.create(broker.bootstrapServers(), 1, List.of(config.kafka.recommendationsTopic, config.kafka.deadLetterTopic));
        Configuration flinkConf = JobEnvironment.flinkConfiguration(config);
        flinkConf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        flinkConf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 1_000);
        flinkConf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flinkConf);
        env.setParallelism(config.parallelism);
        NextItemJob.build(env, config);
        JobClient job = env.executeAsync("corrupt-ann-index");

        // 1,000 restarts 200 ms apart would take minutes: ending within 60 s means none happened.
        Throwable failure = null;
        try {
            job.getJobExecutionResult().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            failure = e;
        }
        assertThat(failure).as("the job must fail").isNotNull();
        assertThat(ExceptionUtils.findThrowable(failure, SuppressRestartsException.class)).as("restarts suppressed").isPresent();
        assertThat(ExceptionUtils.stringifyException(failure)).contains("no model version to serve")
                .contains(graphFile.getFileName().toString()).contains("sha256");
    }
}
