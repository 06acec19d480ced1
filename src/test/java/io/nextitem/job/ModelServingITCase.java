package io.nextitem.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.nextitem.avro.ClickEvent;
import io.nextitem.avro.RankedItem;
import io.nextitem.avro.Recommendation;
import io.nextitem.avro.RecommendationSource;
import io.nextitem.config.JobConfig;
import io.nextitem.model.ModelManifest;
import io.nextitem.model.ModelVersion;
import io.nextitem.replay.ClickReplayer;
import io.nextitem.testing.BrokerAndFlinkITCase;
import io.nextitem.testing.Clicks;
import io.nextitem.testing.JobUnderTest;
import io.nextitem.testing.KafkaTestTopics;
import io.nextitem.testing.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every model family is served by the same job code: for each tiny trained version (TestModels),
 * the job runs on a MiniCluster against a real broker and answers every click with a list from
 * that version, whatever inputs its graph reads (users the model knows and users it never saw
 * alike, for graphs that read user_idx).
 */
class ModelServingITCase extends BrokerAndFlinkITCase {
    private static final int USERS = 60;
    private static final int CLICKS_PER_USER = 5;

    static List<Path> registries() {
        return TestModels.registries();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("registries")
    void servesEveryClickWithTheFamilysModel(Path registry) throws Exception {
        Path versionFolder = TestModels.versionIn(registry);
        ModelManifest manifest = ModelVersion.load(versionFolder).manifest();
        JobConfig config = JobUnderTest.configFor(broker, registry, Files.createDirectories(tmp.resolve("checkpoints")));
        JobClient job = JobUnderTest.start(broker, config);

        List<ClickEvent> clicks = clicksFor(versionFolder, manifest);
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
        assertThat(recommendations.stream().map(Recommendation::getTriggerEventId).collect(Collectors.toSet()))
                .isEqualTo(clicks.stream().map(ClickEvent::getEventId).collect(Collectors.toSet()));
        Map<String, Set<String>> seenAtEvent = Clicks.seenAtEachClick(clicks);
        for (Recommendation r : recommendations) {
            assertThat(r.getModelName()).isEqualTo(manifest.name());
            assertThat(r.getModelVersion()).isEqualTo(manifest.version());
            // Every click is on an item the model knows, so the encoder (not the fallback) ranks.
            assertThat(r.getSource()).isEqualTo(RecommendationSource.MODEL);
            List<String> items = r.getItems().stream().map(RankedItem::getItemId).toList();
            assertThat(items).as("recommendation for " + r.getTriggerEventId()).hasSize(10).doesNotHaveDuplicates()
                    .doesNotContainAnyElementsOf(seenAtEvent.get(r.getTriggerEventId()));
        }
    }

    /**
     * USERS x CLICKS_PER_USER clicks on items the version knows. For a graph that reads user_idx,
     * half the users are ones it was trained on and half are new (user_idx 0).
     */
    private static List<ClickEvent> clicksFor(Path versionFolder, ModelManifest manifest) {
        List<String> items = TestModels.idsIn(versionFolder, "items.tsv");
        List<String> knownUsers = manifest.readsUserIndex() ? TestModels.idsIn(versionFolder, ModelManifest.USERS_FILE) : List.of();
        Random random = new Random(11);
        List<ClickEvent> clicks = new ArrayList<>();
        for (int step = 0; step < CLICKS_PER_USER; step++) {
            for (int user = 0; user < USERS; user++) {
                String userId = user % 2 == 0 && !knownUsers.isEmpty() ? knownUsers.get(user % knownUsers.size()) : "new-user-" + user;
                clicks.add(Clicks.click(userId, items.get(random.nextInt(items.size())), Clicks.T0 + step * 60_000L + user));
            }
        }
        return clicks;
    }
}
