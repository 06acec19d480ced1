package io.nextitem.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.nextitem.avro.ClickEvent;
import io.nextitem.avro.RankedItem;
import io.nextitem.avro.Recommendation;
import io.nextitem.config.JobConfig;
import io.nextitem.tools.replay.ClickReplayer;
import io.nextitem.snapshot.SnapshotInterval;
import io.nextitem.snapshot.SnapshotManifestOperator;
import io.nextitem.testing.BrokerAndFlinkITCase;
import io.nextitem.testing.Clicks;
import io.nextitem.testing.JobUnderTest;
import io.nextitem.testing.KafkaTestTopics;
import io.nextitem.testing.TestModels;
import io.nextitem.testing.VersionFixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.Test;

/**
 * The whole learning loop on real parts: the job serves version 1 and writes snapshots; an item
 * version 1 has never seen becomes the usual next click; once its snapshot is complete the
 * trainer's finetune (the real command) publishes version 2, which knows the item; the running
 * job swaps it in and recommends the new item to newcomers, with no restart.
 */
class LearningLoopITCase extends BrokerAndFlinkITCase {
    private static final long QUARTER_HOUR = 15 * 60_000L;
    private static final String NEW_ITEM = "item-born-in-the-stream";
    private static final int LEARNERS = 40;

    @Test
    void anItemFirstSeenInTheStreamIsRecommendedAfterTheNextVersion() throws Exception {
        Path registry = Files.createDirectories(tmp.resolve("registry"));
        Path v1 = VersionFixtures.publish(TestModels.versionIn(TestModels.ROOT.resolve("sasrec")), registry, "sasrec-v1",
                "2026-02-01T00:00:00Z");
        List<String> items = TestModels.idsIn(v1, "items.tsv");
        Path snapshots = Files.createDirectories(tmp.resolve("snapshots"));
        JobConfig config = JobUnderTest.configFor(broker, registry, Files.createDirectories(tmp.resolve("checkpoints")));
        config.snapshots.dir = snapshots.toUri().toString();
        config.model.watchIntervalMs = 200;
        JobClient job = JobUnderTest.start(broker, config);

        List<ClickEvent> sent = new ArrayList<>();
        try (ClickReplayer producer = new ClickReplayer(broker.bootstrapServers(), config.kafka.clicksTopic)) {
            // First interval: every learner alternates known items with the new one, so the new
            // item is what follows a known item.
            for (int step = 0; step < 8; step++) {
                for (int u = 0; u < LEARNERS; u++) {
                    String item = step % 2 == 1 ? NEW_ITEM : items.get((u + step) % 5);
                    send(producer, sent, "learner-" + u, item, Clicks.T0 + step * 60_000L + u);
                }
            }
            // Later clicks move the watermark past the first interval on both partitions.
            for (int u = 0; u < LEARNERS; u++) {
                send(producer, sent, "learner-" + u, items.get(10 + u % 5), Clicks.T0 + 2 * QUARTER_HOUR + u);
            }
            producer.flush();

            Path manifest = snapshots.resolve(new SnapshotInterval(Clicks.T0, QUARTER_HOUR).folderName())
                    .resolve(SnapshotManifestOperator.MANIFEST_FILE);
            awaitFile(manifest, Duration.ofSeconds(90));
            assertThat(Files.readString(manifest)).contains(NEW_ITEM);

            runFinetune(registry, snapshots);
            Path v2 = newestVersionBesides(registry, "sasrec-v1");
            assertThat(TestModels.idsIn(v2, "items.tsv")).contains(NEW_ITEM);
            String v2Name = v2.getFileName().toString();

            // Newcomers click one known item each, round after round, until version 2 answers.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            List<Recommendation> fromV2 = List.of();
            for (int round = 0; fromV2.isEmpty() && System.nanoTime() < deadline; round++) {
                for (int u = 0; u < 20; u++) {
                    send(producer, sent, "newcomer-" + round + "-" + u, items.get(u % 5), Clicks.T0 + 3 * QUARTER_HOUR + u);
                }
                producer.flush();
                fromV2 = readAll(config, sent.size()).stream().filter(r -> r.getModelVersion().equals(v2Name)).toList();
            }
            assertThat(fromV2).as("version 2 swapped in and serving").isNotEmpty();
            assertThat(fromV2.stream().flatMap(r -> r.getItems().stream()).map(RankedItem::getItemId))
                    .as("the new item is recommended by the version that learned it").contains(NEW_ITEM);
            assertThat(readAll(config, sent.size()).stream().filter(r -> r.getModelVersion().equals("sasrec-v1"))
                    .flatMap(r -> r.getItems().stream()).map(RankedItem::getItemId))
                    .as("version 1 never could").doesNotContain(NEW_ITEM);
        }
        List<Recommendation> all = readAll(config, sent.size());
        assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
        job.cancel().get();
        assertThat(all).as("one recommendation per click across the swap").hasSize(sent.size());
    }

    private static void send(ClickReplayer producer, List<ClickEvent> sent, String user, String item, long time) throws Exception {
        ClickEvent click = Clicks.click(user, item, time);
        producer.send(click);
        sent.add(click);
    }

    private List<Recommendation> readAll(JobConfig config, int expected) {
        return KafkaTestTopics.readCommitted(broker.bootstrapServers(), config.kafka.recommendationsTopic, expected,
                        Duration.ofSeconds(60), Duration.ofMillis(500))
                .stream().map(r -> JobUnderTest.decode(r, Recommendation::fromByteBuffer)).toList();
    }

    /** The trainer's own command, as an operator or its --watch loop would run it. */
    private static void runFinetune(Path registry, Path snapshots) throws Exception {
        Process process = new ProcessBuilder("src/trainer/bin/trainer", "finetune", "--registry", registry.toString(),
                "--snapshots", snapshots.toString(), "--epochs", "5", "--tolerance", "1", "--no-progress")
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue()).as("trainer finetune said:\n" + output).isZero();
    }

    private static Path newestVersionBesides(Path registry, String old) throws IOException {
        try (Stream<Path> versions = Files.list(registry)) {
            List<Path> found = versions.filter(p -> !p.getFileName().toString().startsWith(".")
                    && !p.getFileName().toString().equals(old)).toList();
            assertThat(found).as("finetune published one version").hasSize(1);
            return found.get(0);
        }
    }

    private static void awaitFile(Path file, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Files.exists(file) && System.nanoTime() < deadline) {
            Thread.sleep(100); // a file the job writes: nothing to wait on across threads
        }
        assertThat(file).as("written within " + timeout).exists();
    }
}
