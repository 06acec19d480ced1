package io.nextitem.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.nextitem.avro.ClickEvent;
import io.nextitem.avro.Recommendation;
import io.nextitem.config.JobConfig;
import io.nextitem.tools.replay.ClickReplayer;
import io.nextitem.testing.BrokerAndFlinkITCase;
import io.nextitem.testing.Clicks;
import io.nextitem.testing.JobUnderTest;
import io.nextitem.testing.KafkaTestTopics;
import io.nextitem.testing.MisfitVersions;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Model versions change under a running job, against a real broker and MiniCluster: version 1
 * serves; four broken versions published mid-stream (sha256 mismatch, bytes that are no graph,
 * a graph reading other inputs, a vocabulary one item short) and three that do not fit the job's
 * settings (max_seq_len above sequence.max-length, a folder named unlike its version, a K' that
 * cannot fill model.top-k) are refused and version 1 keeps serving; a good version 3 is swapped in with no restart. Every click gets exactly one recommendation
 * (read_committed), and the records show the switch: v1 first, v3 at the end, never v2.
 */
class ModelHotSwapITCase extends BrokerAndFlinkITCase {
    private static final Path SASREC = TestModels.versionIn(TestModels.ROOT.resolve("sasrec"));
    private static final Path ATTREC = TestModels.versionIn(TestModels.ROOT.resolve("attrec"));
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

            // Seven broken or misfit versions, each the newest in turn; rounds long past a watch
            // interval after each: none ever serves.
            List<java.util.function.Consumer<Path>> breakages = List.of(
                    v -> VersionFixtures.rewrite(v, "model.onnx", b -> { b[b.length / 2] ^= 0x7f; return b; }, false), // sha256 mismatch
                    v -> VersionFixtures.rewrite(v, "model.onnx", b -> java.util.Arrays.copyOf(b, 64), true),         // bad bytes
                    v -> VersionFixtures.rewrite(v, "model.onnx", b -> bytesOf(ATTREC.resolve("model.onnx")), true), // wrong inputs
                    v -> VersionFixtures.rewrite(v, "items.tsv", ModelHotSwapITCase::withoutLastLine, true),         // vocabulary
                    // Versions sound in themselves that do not fit the job's settings (ServingInvariants):
                    MisfitVersions.READS_MORE_THAN_THE_JOB_KEEPS,      // max_seq_len above sequence.max-length
                    MisfitVersions.NAMED_UNLIKE_ITS_FOLDER,            // folder name unlike manifest.version
                    MisfitVersions.FILLS_FEWER_THAN_THE_SERVED_TOP_K); // model.top-k above what K' can fill
            for (int i = 0; i < breakages.size(); i++) {
                VersionFixtures.publish(SASREC, registry, "sasrec-v2-broken-" + i, "2026-03-0" + (i + 1) + "T00:00:00Z",
                        breakages.get(i));
                for (int round = 0; round < 2; round++) {
                    sendRound(producer, sent, items);
                    assertThat(versionsOf(readAll(config, sent.size()))).containsOnlyKeys("sasrec-v1");
                }
            }

            VersionFixtures.publish(SASREC, registry, "sasrec-v3", "2026-04-01T00:00:00Z");
            assertThat(untilARoundIsServedBy("sasrec-v3", producer, sent, items, config))
                    .as("a whole round served by v3 (both subtasks swapped)").containsOnlyKeys("sasrec-v3");
        }

        List<Recommendation> all = readAll(config, sent.size());
        assertThat(job.getJobStatus().get()).as("no restart: the job never failed").isEqualTo(JobStatus.RUNNING);
        job.cancel().get();

        assertThat(all).as("one recommendation per click, none lost or doubled").hasSize(sent.size());
        assertThat(all.stream().map(Recommendation::getTriggerEventId).collect(Collectors.toSet()))
                .isEqualTo(sent.stream().map(ClickEvent::getEventId).collect(Collectors.toSet()));
        assertThat(versionsOf(all)).as("no broken version ever served").containsOnlyKeys("sasrec-v1", "sasrec-v3");
    }

    /**
     * Operators pin an older version (a rollback) on model.updates-topic, then unpin; a pin of a
     * missing version and bytes that are no command change nothing.
     */
    @Test
    void operatorsPinAndUnpinAVersionOnTheUpdatesTopic() throws Exception {
        Path registry = Files.createDirectories(tmp.resolve("registry"));
        VersionFixtures.publish(SASREC, registry, "sasrec-v1", "2026-02-01T00:00:00Z");
        VersionFixtures.publish(SASREC, registry, "sasrec-v2", "2026-03-01T00:00:00Z");
        JobConfig config = JobUnderTest.configFor(broker, registry, Files.createDirectories(tmp.resolve("checkpoints")));
        config.model.batchMaxSize = 16;
        config.model.watchIntervalMs = 200;
        config.model.updatesTopic = config.kafka.recommendationsTopic + "-model-updates";
        io.nextitem.tools.kafka.KafkaTopics.create(broker.bootstrapServers(), 1, List.of(config.model.updatesTopic));
        JobClient job = JobUnderTest.start(broker, config);
        List<String> items = TestModels.idsIn(SASREC, "items.tsv");
        List<ClickEvent> sent = new ArrayList<>();

        try (ClickReplayer producer = new ClickReplayer(broker.bootstrapServers(), config.kafka.clicksTopic)) {
            sendRound(producer, sent, items);
            assertThat(versionsOf(readAll(config, sent.size()))).as("the newest serves").containsOnlyKeys("sasrec-v2");

            pin(config, io.nextitem.avro.ModelUpdateAction.PIN, "sasrec-v1");
            assertThat(untilARoundIsServedBy("sasrec-v1", producer, sent, items, config)).containsOnlyKeys("sasrec-v1");

            pin(config, io.nextitem.avro.ModelUpdateAction.PIN, "sasrec-missing");
            for (int round = 0; round < 3; round++) {
                int before = sent.size();
                sendRound(producer, sent, items);
                assertThat(versionsOf(readAll(config, sent.size()).stream().filter(r -> indexOf(r, sent) >= before).toList()))
                        .as("a pin of a version that is not there leaves v1 serving").containsOnlyKeys("sasrec-v1");
            }

            // An operator's garbage on the topic is skipped (logged), not fatal.
            try (ClickReplayer garbage = new ClickReplayer(broker.bootstrapServers(), config.model.updatesTopic)) {
                garbage.sendRaw("model-pin".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        "{\"action\": \"rollback\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8), Clicks.T0);
                garbage.flush();
            }
            pin(config, io.nextitem.avro.ModelUpdateAction.UNPIN, null);
            assertThat(untilARoundIsServedBy("sasrec-v2", producer, sent, items, config)).containsOnlyKeys("sasrec-v2");
        }

        List<Recommendation> all = readAll(config, sent.size());
        assertThat(job.getJobStatus().get()).as("no restart").isEqualTo(JobStatus.RUNNING);
        job.cancel().get();
        assertThat(all).as("one recommendation per click").hasSize(sent.size());
        assertThat(all.stream().map(Recommendation::getTriggerEventId).collect(Collectors.toSet()))
                .isEqualTo(sent.stream().map(ClickEvent::getEventId).collect(Collectors.toSet()));
    }

    /** The runbook's command, as an operator types it: `nextitem model pin VERSION` / `model unpin`. */
    private void pin(JobConfig config, io.nextitem.avro.ModelUpdateAction action, String version) {
        List<String> args = new java.util.ArrayList<>(action == io.nextitem.avro.ModelUpdateAction.PIN
                ? List.of("model", "pin", version) : List.of("model", "unpin"));
        args.addAll(List.of("--reason", "ModelHotSwapITCase", "--bootstrap-servers", broker.bootstrapServers(),
                "--topic", config.model.updatesTopic));
        io.nextitem.cli.NextItemCli.main(args.toArray(String[]::new));   // throws on a non-zero exit
    }

    /** Sends rounds until one is served by {@code version} alone (or the deadline); returns that round's versions. */
    private Map<String, Long> untilARoundIsServedBy(String version, ClickReplayer producer, List<ClickEvent> sent,
                                                    List<String> items, JobConfig config) throws Exception {
        long deadline = System.nanoTime() + SWAP_DEADLINE.toNanos();
        Map<String, Long> round;
        do {
            int before = sent.size();
            sendRound(producer, sent, items);
            round = versionsOf(readAll(config, sent.size()).stream().filter(r -> indexOf(r, sent) >= before).toList());
        } while (!round.keySet().equals(java.util.Set.of(version)) && System.nanoTime() < deadline);
        return round;
    }

    private static byte[] bytesOf(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static byte[] withoutLastLine(byte[] bytes) {
        String text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8).stripTrailing();
        return (text.substring(0, text.lastIndexOf('\n')) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
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
