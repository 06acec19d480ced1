package io.nextitem.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.nextitem.avro.ClickEvent;
import io.nextitem.avro.Recommendation;
import io.nextitem.config.JobConfig;
import io.nextitem.replay.ClickReplayer;
import io.nextitem.testing.BrokerAndFlinkITCase;
import io.nextitem.testing.Clicks;
import io.nextitem.testing.JobUnderTest;
import io.nextitem.testing.KafkaTestTopics;
import io.nextitem.testing.TestModels;
import io.nextitem.testing.VersionFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Model versions change under a running job, against a real broker and MiniCluster: version 1
 * serves; a corrupt version 2 published mid-stream is refused and version 1 keeps serving; a
 * good version 3 is swapped in with no restart. Every click gets exactly one recommendation
 * (read_committed), and the records show the switch: v1 first, v3 at the end, never v2.
 */
class ModelHotSwapITCase extends BrokerAndFlinkITCase {
    private static final Path SASREC = TestModels.versionIn(TestModels.ROOT.resolve("sasrec"));
    private static final int CLICKS_PER_ROUND = 40;
    private static final Duration SWAP_DEADLINE = Duration.ofSeconds(90);

    /** batchMaxSize 1: the per-event map operator; 16: micro-batches through async I/O. */
    @ParameterizedTest(name = "batch {0}")
    @ValueSource(ints = {1, 16})
    void newVersionsSwapInMidStreamAndBrokenOnesAreRefused(int batchMaxSize) throws Exception {
        Path registry = Files.createDirectories(tmp.resolve("registry"));
        VersionFixtures.publish(SASREC, registry, "sasrec-v1", "2026-02-01T00:00:00Z");
        JobConfig config = JobUnderTest.configFor(broker, registry, Files.createDirectories(tmp.resolve("checkpoints")));
        config.model.batchMaxSize = batchMaxSize;
        config.model.watchIntervalMs = 200;
        JobClient job = JobUnderTest.start(broker, config);
        List<String> items = TestModels.idsIn(SASREC, "items.tsv");
        List<ClickEvent> sent = new ArrayList<>();

        try (ClickReplayer producer = new ClickReplayer(broker.bootstrapServers(), config.kafka.clicksTopic)) {
            sendRound(producer, sent, items);
            assertThat(versionsOf(readAll(config, sent.size()))).containsOnlyKeys("sasrec-v1");

            Path corrupt = VersionFixtures.publish(SASREC, registry, "sasrec-v2", "2026-03-01T00:00:00Z");
            VersionFixtures.rewrite(corrupt, "model.onnx", bytes -> { bytes[bytes.length / 2] ^= 0x7f; return bytes; }, false);
            // Several rounds, each long past a watch interval: the refused version never serves.
            for (int round = 0; round < 3; round++) {
                sendRound(producer, sent, items);
                assertThat(versionsOf(readAll(config, sent.size()))).containsOnlyKeys("sasrec-v1");
            }

            VersionFixtures.publish(SASREC, registry, "sasrec-v3", "2026-04-01T00:00:00Z");
            long deadline = System.nanoTime() + SWAP_DEADLINE.toNanos();
            List<Recommendation> latestRound;
            do {
                int before = sent.size();
                sendRound(producer, sent, items);
                List<Recommendation> all = readAll(config, sent.size());
                latestRound = all.stream().filter(r -> indexOf(r, sent) >= before).toList();
            } while (!versionsOf(latestRound).keySet().equals(java.util.Set.of("sasrec-v3")) && System.nanoTime() < deadline);
            assertThat(versionsOf(latestRound)).as("a whole round served by v3 (both subtasks swapped)").containsOnlyKeys("sasrec-v3");
        }

        List<Recommendation> all = readAll(config, sent.size());
        assertThat(job.getJobStatus().get()).as("no restart: the job never failed").isEqualTo(JobStatus.RUNNING);
        job.cancel().get();

        assertThat(all).as("one recommendation per click, none lost or doubled").hasSize(sent.size());
        assertThat(all.stream().map(Recommendation::getTriggerEventId).collect(Collectors.toSet()))
                .isEqualTo(sent.stream().map(ClickEvent::getEventId).collect(Collectors.toSet()));
        assertThat(versionsOf(all)).containsOnlyKeys("sasrec-v1", "sasrec-v3");
    }

    /** CLICKS_PER_ROUND clicks of 20 users (both subtasks), each on a new item of that user. */
    private static void sendRound(ClickReplayer producer, List<ClickEvent> sent, List<String> items) throws Exception {
        for (int i = 0; i < CLICKS_PER_ROUND; i++) {
            int n = sent.size();
            String user = "user-" + (n % 20);
            ClickEvent click = Clicks.click(user, items.get((n / 20 * 7 + n % 20) % items.size()), Clicks.T0 + n * 1000L);
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
        return recommendations.stream().collect(Collectors.groupingBy(Recommendation::getModelVersion, Collectors.counting()));
    }

    private static int indexOf(Recommendation r, List<ClickEvent> sent) {
        Function<ClickEvent, String> id = ClickEvent::getEventId;
        for (int i = sent.size() - 1; i >= 0; i--) {
            if (id.apply(sent.get(i)).equals(r.getTriggerEventId())) {
                return i;
            }
        }
        return -1;
    }
}
