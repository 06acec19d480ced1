package io.nextitem.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.nextitem.avro.ClickEvent;
import io.nextitem.avro.LiveJudgement;
import io.nextitem.avro.Recommendation;
import io.nextitem.avro.ServingArm;
import io.nextitem.config.JobConfig;
import io.nextitem.inference.Rollout;
import io.nextitem.model.ModelUpdateHistory;
import io.nextitem.testing.BrokerAndFlinkITCase;
import io.nextitem.testing.Clicks;
import io.nextitem.testing.JobUnderTest;
import io.nextitem.testing.KafkaTestTopics;
import io.nextitem.testing.TestModels;
import io.nextitem.testing.VersionFixtures;
import io.nextitem.tools.kafka.KafkaTopics;
import io.nextitem.tools.replay.ClickReplayer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.Test;

/**
 * A canary rollout on the real job, driven by the operator's commands on model.updates-topic:
 * `model canary` splits users by their salted hash (each list names its arm and version, and no
 * user changes arm), `--shadow` scores the candidate without emitting its lists but judges them,
 * `model promote` makes the candidate serve everyone; every click gets exactly one list throughout.
 */
class CanaryRolloutITCase extends BrokerAndFlinkITCase {
    private static final Path SASREC = TestModels.versionIn(TestModels.ROOT.resolve("sasrec"));
    private static final int USERS = 60;
    private static final Duration DEADLINE = Duration.ofSeconds(90);

    @Test
    void aCanarySplitsUsersByArmThenShadowsThenPromotes() throws Exception {
        Path registry = Files.createDirectories(tmp.resolve("registry"));
        VersionFixtures.publish(SASREC, registry, "sasrec-v1", "2026-02-01T00:00:00Z");
        VersionFixtures.publish(SASREC, registry, "sasrec-v2", "2026-03-01T00:00:00Z");
        JobConfig config = JobUnderTest.configFor(broker, registry, Files.createDirectories(tmp.resolve("checkpoints")));
        config.model.batchMaxSize = 16;
        config.model.watchIntervalMs = 200;
        config.model.updatesTopic = config.kafka.recommendationsTopic + "-model-updates";
        config.kafka.liveQualityTopic = config.kafka.recommendationsTopic + "-live-quality";
        KafkaTopics.create(broker.bootstrapServers(), 1, List.of(config.model.updatesTopic, config.kafka.liveQualityTopic));
        command(config, "pin", "sasrec-v1");
        command(config, "canary", "sasrec-v2", "--share", "0.3");
        JobClient job = JobUnderTest.start(broker, config.validated());
        List<String> items = TestModels.idsIn(SASREC, "items.tsv");
        List<ClickEvent> sent = new ArrayList<>();
        Rollout.Canary canary = new Rollout.Canary("sasrec-v2", 0.3, false);

        try (ClickReplayer producer = new ClickReplayer(broker.bootstrapServers(), config.kafka.clicksTopic)) {
            untilARound(l -> l.getArm() == armVersion(canary, l), producer, sent, items, config);
            int from = sent.size();
            for (int round = 0; round < 3; round++) {
                sendRound(producer, sent, items);
            }
            List<Recommendation> split = since(readAll(config, sent.size()), sent, from);
            assertThat(split).hasSize(sent.size() - from).allSatisfy(l -> {
                ServingArm arm = canary.armOf(l.getUserId());
                assertThat(l.getArm()).as("the arm of " + l.getUserId()).isEqualTo(arm);
                assertThat(l.getModelVersion()).isEqualTo(arm == ServingArm.CANDIDATE ? "sasrec-v2" : "sasrec-v1");
            });
            Set<String> candidateUsers = split.stream().filter(l -> l.getArm() == ServingArm.CANDIDATE)
                    .map(Recommendation::getUserId).collect(Collectors.toSet());
            assertThat(candidateUsers).as("some users, not all, in the candidate's arm").isNotEmpty().hasSizeLessThan(USERS);

            command(config, "canary", "sasrec-v2", "--share", "1.0", "--shadow");
            untilARound(l -> l.getArm() == ServingArm.SERVING && l.getModelVersion().equals("sasrec-v1"), producer, sent,
                    items, config);
            sendRound(producer, sent, items);

            writeRaw(config, "not a decision".getBytes(java.nio.charset.StandardCharsets.UTF_8)); // skipped, loudly
            command(config, "promote");
            untilARound(l -> l.getArm() == ServingArm.SERVING && l.getModelVersion().equals("sasrec-v2"), producer, sent,
                    items, config);
        }

        List<Recommendation> all = readAll(config, sent.size());
        List<LiveJudgement> judged = KafkaTestTopics.readCommitted(broker.bootstrapServers(), config.kafka.liveQualityTopic,
                        1, Duration.ofSeconds(30), Duration.ofSeconds(2)).stream()
                .map(r -> JobUnderTest.decode(r, LiveJudgement::fromByteBuffer)).toList();
        assertThat(job.getJobStatus().get()).as("no restart").isEqualTo(JobStatus.RUNNING);
        job.cancel().get();

        assertThat(all).as("exactly one emitted list per click across the rollout").hasSize(sent.size());
        assertThat(all.stream().map(Recommendation::getTriggerEventId).collect(Collectors.toSet()))
                .isEqualTo(sent.stream().map(ClickEvent::getEventId).collect(Collectors.toSet()));
        assertThat(all).as("shadow lists are never emitted").noneMatch(l -> l.getArm() == ServingArm.SHADOW);
        Map<String, Long> judgedByArm = judged.stream().collect(Collectors.groupingBy(LiveJudgement::getArm, Collectors.counting()));
        System.out.println("canary: judged lists by arm " + judgedByArm);
        assertThat(judgedByArm).containsKeys("SERVING", "CANDIDATE", "SHADOW");
        assertThat(judged).filteredOn(j -> j.getArm().equals("SHADOW"))
                .allSatisfy(j -> assertThat(j.getModelVersion()).isEqualTo("sasrec-v2"));

        ModelUpdateHistory.History history = ModelUpdateHistory.read(broker.bootstrapServers(), Map.of(),
                config.model.updatesTopic);
        assertThat(history.updates()).extracting(u -> u.getAction() + " " + u.getVersion() + " " + u.getShare())
                .containsExactly("PIN sasrec-v1 null", "CANARY sasrec-v2 0.3", "CANARY sasrec-v2 1.0", "PROMOTE null null");
        assertThat(history.skipped()).as("the record that is not a decision").isEqualTo(1);
        String printed = printedBy(() -> command(config, "history"));
        assertThat(printed).contains("PIN sasrec-v1  by operator: CanaryRolloutITCase",
                "CANARY sasrec-v2 share 1.0 shadow", "4 decisions on " + config.model.updatesTopic + ", 1 records");
    }

    private void writeRaw(JobConfig config, byte[] value) throws Exception {
        try (var producer = io.nextitem.kafka.ByteProducers.open(broker.bootstrapServers(), Map.of())) {
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(config.model.updatesTopic, value)).get();
        }
    }

    private static String printedBy(Runnable action) {
        java.io.PrintStream before = System.out;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setOut(before);
        }
        return captured.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static ServingArm armVersion(Rollout.Canary canary, Recommendation list) {
        ServingArm arm = canary.armOf(list.getUserId());
        String expected = arm == ServingArm.CANDIDATE ? "sasrec-v2" : "sasrec-v1";
        return list.getModelVersion().equals(expected) ? arm : null;
    }

    /** The operator's command line: `nextitem model ACTION ...`. */
    private void command(JobConfig config, String... action) {
        List<String> args = new ArrayList<>(List.of("model"));
        args.addAll(List.of(action));
        args.addAll(List.of("--reason", "CanaryRolloutITCase", "--bootstrap-servers", broker.bootstrapServers(),
                "--topic", config.model.updatesTopic));
        io.nextitem.cli.NextItemCli.main(args.toArray(String[]::new)); // throws on a non-zero exit
    }

    /** Sends rounds until every list of one round satisfies {@code wanted} (or the deadline fails the test). */
    private void untilARound(Predicate<Recommendation> wanted, ClickReplayer producer, List<ClickEvent> sent,
                             List<String> items, JobConfig config) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (true) {
            int before = sent.size();
            sendRound(producer, sent, items);
            List<Recommendation> round = since(readAll(config, sent.size()), sent, before);
            if (round.stream().allMatch(wanted)) {
                return;
            }
            assertThat(System.nanoTime()).as("a round as wanted within " + DEADLINE).isLessThan(deadline);
        }
    }

    /** One click of each user, each on an item new to that user. */
    private static void sendRound(ClickReplayer producer, List<ClickEvent> sent, List<String> items) throws Exception {
        for (int u = 0; u < USERS; u++) {
            int n = sent.size();
            ClickEvent click = Clicks.click("user-" + u, items.get((n / USERS * 7 + u) % items.size()), Clicks.T0 + n * 1000L);
            producer.send(click);
            sent.add(click);
        }
        producer.flush();
    }

    private static List<Recommendation> since(List<Recommendation> lists, List<ClickEvent> sent, int from) {
        Set<String> ids = new HashSet<>();
        sent.subList(from, sent.size()).forEach(c -> ids.add(c.getEventId()));
        return lists.stream().filter(l -> ids.contains(l.getTriggerEventId())).toList();
    }

    private List<Recommendation> readAll(JobConfig config, int expected) {
        return KafkaTestTopics.readCommitted(broker.bootstrapServers(), config.kafka.recommendationsTopic, expected,
                        Duration.ofSeconds(60), Duration.ofMillis(500))
                .stream().map(r -> JobUnderTest.decode(r, Recommendation::fromByteBuffer)).toList();
    }
}
