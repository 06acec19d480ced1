package io.nextitem.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nextitem.avro.ClickEvent;
import io.nextitem.avro.Recommendation;
import io.nextitem.avro.TrainingExample;
import io.nextitem.config.JobConfig;
import io.nextitem.tools.replay.ClickReplayer;
import io.nextitem.snapshot.SnapshotInterval;
import io.nextitem.snapshot.SnapshotManifestOperator;
import io.nextitem.testing.BrokerAndFlinkITCase;
import io.nextitem.testing.Clicks;
import io.nextitem.testing.JobUnderTest;
import io.nextitem.testing.KafkaTestTopics;
import io.nextitem.testing.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.junit.jupiter.api.Test;

/**
 * Snapshots survive a dead task manager: the only task manager is killed while the first
 * snapshot is open and a new one started; the job recovers from its last checkpoint. Each
 * completed snapshot folder then holds every training example of its interval exactly once (the
 * rows' event ids equal the expected set, no duplicates, and the manifest counts them), and
 * every click still has exactly one recommendation.
 */
class SnapshotRecoveryITCase extends BrokerAndFlinkITCase {
    private static final long QUARTER_HOUR = 15 * 60_000L;
    private static final int USERS = 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aKilledTaskManagerLeavesEveryExampleInItsSnapshotExactlyOnce(@InjectMiniCluster MiniCluster cluster) throws Exception {
        Path registry = TestModels.ROOT.resolve("sasrec");
        List<String> items = TestModels.idsIn(TestModels.versionIn(registry), "items.tsv");
        Path snapshots = Files.createDirectories(tmp.resolve("snapshots"));
        JobConfig config = JobUnderTest.configFor(broker, registry, Files.createDirectories(tmp.resolve("checkpoints")));
        config.snapshots.dir = snapshots.toUri().toString();
        config.snapshots.intervalMinutes = 15;
        config.model.watchIntervalMs = 0;
        config.checkpoint.changelog = true; // the recovery below replays the task manager's durable state changelog
        JobClient job = JobUnderTest.startRecoverable(broker, config);

        List<ClickEvent> sent = new ArrayList<>();
        try (ClickReplayer producer = new ClickReplayer(broker.bootstrapServers(), config.kafka.clicksTopic)) {
            // Minutes 0-6 of the first interval, then wait until output is committed: a checkpoint holds them.
            sendClicks(producer, sent, items, 0, 6);
            KafkaTestTopics.readCommitted(broker.bootstrapServers(), config.kafka.recommendationsTopic, sent.size(),
                    Duration.ofSeconds(60), Duration.ZERO);
            sendClicks(producer, sent, items, 6, 9); // in flight when the task manager dies

            cluster.terminateTaskManager(0).get();
            cluster.startTaskManager();

            sendClicks(producer, sent, items, 9, 25); // the rest of the first interval and part of the second
            sendClicks(producer, sent, items, 60, 61); // every user once more, far later: the watermark passes both
        }

        Map<Long, Set<String>> expected = expectedExamples(sent);
        for (long start : List.of(Clicks.T0, Clicks.T0 + QUARTER_HOUR)) {
            Path folder = snapshots.resolve(new SnapshotInterval(start, QUARTER_HOUR).folderName());
            JsonNode manifest = awaitManifest(folder.resolve(SnapshotManifestOperator.MANIFEST_FILE), Duration.ofSeconds(120));
            List<String> rows = exampleIdsIn(folder);
            assertThat(rows).as("no example twice in " + folder.getFileName()).doesNotHaveDuplicates();
            assertThat(Set.copyOf(rows)).as("every example of the interval, exactly").isEqualTo(expected.get(start));
            assertThat(manifest.get("examples").asLong()).isEqualTo(rows.size());
        }

        List<Recommendation> recommendations = KafkaTestTopics.readCommitted(broker.bootstrapServers(),
                        config.kafka.recommendationsTopic, sent.size(), Duration.ofSeconds(60), Duration.ofSeconds(2))
                .stream().map(r -> JobUnderTest.decode(r, Recommendation::fromByteBuffer)).toList();
        job.cancel().get();
        try (var logged = Files.walk(CHANGELOG_DIR)) {
            assertThat(logged.filter(Files::isRegularFile).count())
                    .as("checkpoints went through the task manager's durable state changelog (checkpoint.changelog)")
                    .isPositive();
        }
        assertThat(recommendations).as("one recommendation per click across the recovery").hasSize(sent.size());
        assertThat(recommendations.stream().map(Recommendation::getTriggerEventId).collect(Collectors.toSet()))
                .hasSize(sent.size());
    }

    /** One click per user per minute in [fromMinute, toMinute) after T0. */
    private static void sendClicks(ClickReplayer producer, List<ClickEvent> sent, List<String> items,
                                   int fromMinute, int toMinute) throws Exception {
        for (int minute = fromMinute; minute < toMinute; minute++) {
            for (int user = 0; user < USERS; user++) {
                ClickEvent click = Clicks.click("user-" + user, items.get((minute * 13 + user * 7) % items.size()),
                        Clicks.T0 + minute * 60_000L + user);
                producer.send(click);
                sent.add(click);
            }
        }
        producer.flush();
    }

    /** Interval start -> event ids of the clicks there that follow an earlier click of their user. */
    private static Map<Long, Set<String>> expectedExamples(List<ClickEvent> sent) {
        Map<Long, Set<String>> byInterval = new HashMap<>();
        Set<String> usersSeen = new HashSet<>();
        for (ClickEvent click : sent) {
            if (!usersSeen.add(click.getUserId())) {
                long start = SnapshotInterval.of(click.getEventTimeMillis(), QUARTER_HOUR).startMillis();
                byInterval.computeIfAbsent(start, s -> new HashSet<>()).add(click.getEventId());
            }
        }
        return byInterval;
    }

    private static List<String> exampleIdsIn(Path folder) throws Exception {
        List<String> ids = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".avro")
                    && !f.getFileName().toString().startsWith(".")).toList()) {
                try (DataFileReader<TrainingExample> reader =
                             new DataFileReader<>(file.toFile(), new SpecificDatumReader<>(TrainingExample.class))) {
                    reader.forEach(example -> ids.add(example.getEventId()));
                }
            }
        }
        return ids;
    }

    private static JsonNode awaitManifest(Path manifest, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Files.exists(manifest) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            Thread.sleep(100); // polling a file the job writes: no event to wait on across processes
        }
        assertThat(manifest).as("snapshot manifest written within " + timeout).exists();
        return JSON.readTree(manifest.toFile());
    }
}
