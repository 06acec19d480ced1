package io.nextitem.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.nextitem.avro.ClickEvent;
import io.nextitem.avro.ModelUpdate;
import io.nextitem.avro.ModelUpdateAction;
import io.nextitem.avro.Recommendation;
import io.nextitem.avro.ServingArm;
import io.nextitem.config.JobConfig;
import io.nextitem.inference.Rollout;
import io.nextitem.testing.BrokerAndFlinkITCase;
import io.nextitem.testing.DemoModel;
import io.nextitem.testing.JobUnderTest;
import io.nextitem.testing.KafkaTestTopics;
import io.nextitem.testing.VersionFixtures;
import io.nextitem.tools.kafka.KafkaTopics;
import io.nextitem.tools.replay.ClickFileFormat;
import io.nextitem.tools.replay.ClickFileReader;
import io.nextitem.tools.replay.ClickReplayer;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.Test;

/**
 * The automatic policy (canary.auto) on the demo's synthetic world, replaying its clicks: the job
 * starts on a deliberately worse version (trained on shuffled sequences; `trainer canary-fixture`),
 * the demo model appears in the registry and goes on trial by itself, and the judge promotes it;
 * then another shuffled version appears, goes on trial against the promoted one, and is aborted.
 * Every click gets exactly one list across the whole rollout, and no user changes arm during a trial.
 */
class CanaryAutoPolicyITCase extends BrokerAndFlinkITCase {
    private static final Path SHUFFLED = Path.of("src/test/resources/nextitem/canary/sasrec-demo-shuffled");
    private static final double SHARE = 0.3;
    private static final int CHUNK = 250;
    private static final Pattern LISTS = Pattern.compile("\\((\\d+) users, (\\d+) lists\\) vs serving [0-9.]+ \\((\\d+) users, (\\d+) lists\\)");

    @Test
    void aBetterVersionIsPromotedAndAWorseOneAbortedOnLiveEvidence() throws Exception {
        Path registry = Files.createDirectories(tmp.resolve("auto-registry"));
        VersionFixtures.publish(SHUFFLED, registry, "v1-shuffled", "2026-02-01T00:00:00Z");
        JobConfig config = JobUnderTest.configFor(broker, registry, Files.createDirectories(tmp.resolve("auto-checkpoints")));
        config.model.batchMaxSize = 16;
        config.model.watchIntervalMs = 200;
        config.model.updatesTopic = config.kafka.recommendationsTopic + "-model-updates";
        config.canary.auto = true;
        config.canary.share = SHARE;
        KafkaTopics.create(broker.bootstrapServers(), 1, List.of(config.model.updatesTopic));
        JobClient job = JobUnderTest.start(broker, config.validated());
        List<ClickEvent> clicks = demoClicks();
        int sent = 0;

        try (ClickReplayer producer = new ClickReplayer(broker.bootstrapServers(), config.kafka.clicksTopic)) {
            sent = send(producer, clicks, sent, 2 * CHUNK, config); // v1 serves alone
            VersionFixtures.publish(DemoModel.versionFolder(), registry, "v2-demo", "2026-03-01T00:00:00Z");
            Optional<ModelUpdate> promoted = Optional.empty();
            while (promoted.isEmpty() && sent < clicks.size() / 2) {
                sent = send(producer, clicks, sent, CHUNK, config);
                promoted = verdict(config, ModelUpdateAction.PROMOTE, "v2-demo");
            }
            assertThat(promoted).as("the demo model promoted within the first half of the replay").isPresent();
            int[] evidence = listsAndUsers(promoted.get().getReason());
            System.out.printf("canary auto: v2-demo promoted over v1-shuffled after %d judged lists (%d in its arm): %s%n",
                    evidence[1] + evidence[3], evidence[1], promoted.get().getReason());
            assertThat(evidence[1] + evidence[3]).as("judged lists before the promotion").isLessThanOrEqualTo(5_000);

            VersionFixtures.publish(SHUFFLED, registry, "v3-shuffled", "2026-04-01T00:00:00Z");
            Optional<ModelUpdate> aborted = Optional.empty();
            while (aborted.isEmpty() && sent < clicks.size()) {
                sent = send(producer, clicks, sent, CHUNK, config);
                aborted = verdict(config, ModelUpdateAction.ABORT, "v3-shuffled");
            }
            assertThat(aborted).as("the shuffled version aborted before the replay ran out").isPresent();
            evidence = listsAndUsers(aborted.get().getReason());
            System.out.printf("canary auto: v3-shuffled aborted against v2-demo after %d judged lists (%d in its arm): %s%n",
                    evidence[1] + evidence[3], evidence[1], aborted.get().getReason());
            assertThat(evidence[1] + evidence[3]).as("judged lists before the abort").isLessThanOrEqualTo(2_000);
            sent = send(producer, clicks, sent, CHUNK, config);
        }

        List<Recommendation> lists = readAll(config, sent);
        assertThat(job.getJobStatus().get()).as("no restart").isEqualTo(JobStatus.RUNNING);
        job.cancel().get();
        assertThat(lists).as("exactly one list per click across the rollout").hasSize(sent);
        assertThat(lists.stream().map(Recommendation::getTriggerEventId).collect(Collectors.toSet()))
                .isEqualTo(clicks.subList(0, sent).stream().map(ClickEvent::getEventId).collect(Collectors.toSet()));
        for (String candidate : List.of("v2-demo", "v3-shuffled")) {
            Rollout.Canary canary = new Rollout.Canary(candidate, SHARE, false);
            List<Recommendation> trial = lists.stream().filter(l -> candidate.equals(l.getCanaryCandidate())).toList();
            assertThat(trial).as("lists of the " + candidate + " trial").isNotEmpty().allSatisfy(l -> {
                assertThat(l.getArm()).as("the arm of " + l.getUserId()).isEqualTo(canary.armOf(l.getUserId()));
                if (l.getArm() == ServingArm.CANDIDATE) {
                    assertThat(l.getModelVersion()).isEqualTo(candidate);
                }
            });
        }
        String served = Files.readString(registry.resolve("serving.json"));
        assertThat(served).as("the serving record the trainer reads").contains("\"serving\" : \"v2-demo\"");
    }

    private static List<ClickEvent> demoClicks() throws Exception {
        try (InputStream in = CanaryAutoPolicyITCase.class.getClassLoader().getResourceAsStream("nextitem/demo/clicks.csv.gz")) {
            return ClickFileReader.read(in, "clicks.csv.gz", ClickFileFormat.CSV);
        }
    }

    /** Sends the next {@code count} clicks and waits until each has its list. */
    private int send(ClickReplayer producer, List<ClickEvent> clicks, int from, int count, JobConfig config) throws Exception {
        int to = Math.min(clicks.size(), from + count);
        for (ClickEvent click : clicks.subList(from, to)) {
            producer.send(click);
        }
        producer.flush();
        readAll(config, to);
        return to;
    }

    private Optional<ModelUpdate> verdict(JobConfig config, ModelUpdateAction action, String candidate) {
        return KafkaTestTopics.readCommitted(broker.bootstrapServers(), config.model.updatesTopic, Integer.MAX_VALUE,
                        Duration.ofMillis(500), Duration.ZERO).stream()
                .map(r -> JobUnderTest.decode(r, ModelUpdate::fromByteBuffer))
                .filter(u -> u.getAction() == action && candidate.equals(u.getVersion())
                        && "canary-judge".equals(u.getIssuedBy()))
                .findFirst();
    }

    /** From a verdict's figures: candidate users, candidate lists, serving users, serving lists. */
    private static int[] listsAndUsers(String reason) {
        Matcher m = LISTS.matcher(reason);
        assertThat(m.find()).as(reason).isTrue();
        return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
                Integer.parseInt(m.group(4))};
    }

    private List<Recommendation> readAll(JobConfig config, int expected) {
        return KafkaTestTopics.readCommitted(broker.bootstrapServers(), config.kafka.recommendationsTopic, expected,
                        Duration.ofSeconds(60), Duration.ofMillis(300))
                .stream().map(r -> JobUnderTest.decode(r, Recommendation::fromByteBuffer)).toList();
    }
}
