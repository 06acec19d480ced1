package io.nextitem.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.nextitem.avro.ClickEvent;
import io.nextitem.avro.DeadLetter;
import io.nextitem.avro.DeadLetterReason;
import io.nextitem.avro.RankedItem;
import io.nextitem.avro.Recommendation;
import io.nextitem.config.JobConfig;
import io.nextitem.tools.replay.ClickReplayer;
import io.nextitem.testing.BrokerAndFlinkITCase;
import io.nextitem.testing.Clicks;
import io.nextitem.testing.DemoModel;
import io.nextitem.testing.JobUnderTest;
import io.nextitem.testing.KafkaTestTopics;
import io.nextitem.testing.MalformedClicks;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The whole loop on real parts: a KRaft broker in its own JVM, the job on a Flink MiniCluster
 * with RocksDB state and exactly-once sinks, the shipped demo model in ONNX Runtime. Valid and
 * malformed records are interleaved; output is read as a downstream service would
 * (read_committed).
 */
class RecommendationLoopITCase extends BrokerAndFlinkITCase {
    private static final int USERS = 200;
    private static final int CLICKS_PER_USER = 10;
    private static final int MALFORMED = 100;

    /** batchMaxSize 1: the per-event map operator; 16: micro-batches through async I/O. */
    @ParameterizedTest(name = "batch {0}")
    @ValueSource(ints = {1, 16})
    void everyValidClickGetsOneRecommendationAndEveryBadRecordOneDeadLetter(int batchMaxSize) throws Exception {
        JobConfig config = JobUnderTest.configFor(broker, DemoModel.REGISTRY, tmp.resolve("checkpoints"));
        config.model.batchMaxSize = batchMaxSize;
        config.kafka.liveQualityTopic = config.kafka.recommendationsTopic + "-live-quality";
        io.nextitem.tools.kafka.KafkaTopics.create(broker.bootstrapServers(), 1, List.of(config.kafka.liveQualityTopic));
        // Any exception would fail the job instead of restarting it, so RUNNING at the end proves none happened.
        JobClient job = JobUnderTest.start(broker, config);

        List<ClickEvent> valid = validClicks();
        List<MalformedClicks.Case> kinds = MalformedClicks.all();
        Map<DeadLetterReason, Long> expectedReasons = new HashMap<>();
        try (ClickReplayer producer = new ClickReplayer(broker.bootstrapServers(), config.kafka.clicksTopic)) {
            Random random = new Random(7);
            int malformedSent = 0;
            for (int i = 0; i < valid.size(); i++) {
                producer.send(valid.get(i));
                if (malformedSent < MALFORMED && random.nextInt(valid.size()) < MALFORMED * 1.2) {
                    MalformedClicks.Case bad = kinds.get(malformedSent++ % kinds.size());
                    producer.sendRaw("u-bad".getBytes(StandardCharsets.UTF_8), bad.bytes(), Clicks.T0);
                    expectedReasons.merge(bad.expected(), 1L, Long::sum);
                }
            }
            while (malformedSent < MALFORMED) {
                MalformedClicks.Case bad = kinds.get(malformedSent++ % kinds.size());
                producer.sendRaw(null, bad.bytes(), Clicks.T0);
                expectedReasons.merge(bad.expected(), 1L, Long::sum);
            }
            producer.flush();
        }

        List<Recommendation> recommendations = KafkaTestTopics.readCommitted(broker.bootstrapServers(),
                        config.kafka.recommendationsTopic, valid.size(), Duration.ofSeconds(150), Duration.ofSeconds(3))
                .stream().map(r -> JobUnderTest.decode(r, Recommendation::fromByteBuffer)).toList();
        List<DeadLetter> deadLetters = KafkaTestTopics.readCommitted(broker.bootstrapServers(),
                        config.kafka.deadLetterTopic, MALFORMED, Duration.ofSeconds(30), Duration.ofSeconds(1))
                .stream().map(r -> JobUnderTest.decode(r, DeadLetter::fromByteBuffer)).toList();

        // Live quality: every list but each user's last is judged by that user's next click, once.
        int judgedExpected = USERS * (CLICKS_PER_USER - 1);
        List<io.nextitem.avro.LiveJudgement> judgements = KafkaTestTopics.readCommitted(broker.bootstrapServers(),
                        config.kafka.liveQualityTopic, judgedExpected, Duration.ofSeconds(30), Duration.ofSeconds(1))
                .stream().map(r -> JobUnderTest.decode(r, io.nextitem.avro.LiveJudgement::fromByteBuffer)).toList();

        assertThat(job.getJobStatus().get()).as("the job never failed or restarted").isEqualTo(JobStatus.RUNNING);
        job.cancel().get();

        // Exactly one recommendation per valid click.
        assertThat(recommendations).hasSize(valid.size());
        assertThat(recommendations.stream().map(Recommendation::getTriggerEventId).collect(Collectors.toSet()))
                .isEqualTo(valid.stream().map(ClickEvent::getEventId).collect(Collectors.toSet()));

        // None recommends an item already in that user's sequence at the time of the click.
        Map<String, Set<String>> seenAtEvent = Clicks.seenAtEachClick(valid);
        for (Recommendation r : recommendations) {
            List<String> items = r.getItems().stream().map(RankedItem::getItemId).toList();
            assertThat(items).as("recommendation for " + r.getTriggerEventId()).hasSize(10).doesNotHaveDuplicates()
                    .doesNotContainAnyElementsOf(seenAtEvent.get(r.getTriggerEventId()));
        }
        assertThat(recommendations).extracting(r -> r.getSource().name()).contains("MODEL", "POPULARITY");

        assertThat(judgements).hasSize(judgedExpected);
        Map<String, Recommendation> byTrigger = recommendations.stream()
                .collect(Collectors.toMap(Recommendation::getTriggerEventId, r -> r));
        for (io.nextitem.avro.LiveJudgement j : judgements) {
            List<String> judgedList = byTrigger.get(j.getListEventId()).getItems().stream().map(RankedItem::getItemId).toList();
            assertThat(j.getRank()).as(j.getListEventId()).isEqualTo(judgedList.indexOf(j.getNextItemId()) + 1);
            assertThat(j.getModelVersion()).isEqualTo(byTrigger.get(j.getListEventId()).getModelVersion());
        }

        // Exactly one dead letter per malformed record, each with its reason and original bytes.
        assertThat(deadLetters).hasSize(MALFORMED);
        assertThat(deadLetters.stream().collect(Collectors.groupingBy(DeadLetter::getReason, Collectors.counting())))
                .isEqualTo(expectedReasons);
        assertThat(expectedReasons.keySet()).hasSizeGreaterThanOrEqualTo(8);
        assertThat(deadLetters).allSatisfy(d -> {
            assertThat(d.getTopic()).isEqualTo(config.kafka.clicksTopic);
            assertThat(d.getMessage()).isNotBlank();
        });
    }

    /** 200 users × 10 clicks on items the demo model knows, plus a few new items (popularity path). */
    private static List<ClickEvent> validClicks() {
        List<String> items = DemoModel.itemIds();
        Random random = new Random(42);
        List<ClickEvent> clicks = new ArrayList<>();
        for (int step = 0; step < CLICKS_PER_USER; step++) {
            for (int user = 0; user < USERS; user++) {
                // Every 10th user starts on an item no model has seen: a cold start served by popularity.
                String item = (user % 10 == 0 && step == 0) ? "new-item-" + user : items.get(random.nextInt(items.size()));
                clicks.add(Clicks.click("user-" + user, item, Clicks.T0 + step * 60_000L + user));
            }
        }
        return clicks;
    }
}
