package io.nextitem.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.nextitem.avro.ClickEvent;
import io.nextitem.avro.DeadLetter;
import io.nextitem.avro.RankedItem;
import io.nextitem.avro.Recommendation;
import io.nextitem.avro.RecommendationSource;
import io.nextitem.config.JobConfig;
import io.nextitem.model.ModelManifest;
import io.nextitem.model.ModelVersion;
import io.nextitem.tools.replay.ClickReplayer;
import io.nextitem.testing.BrokerAndFlinkITCase;
import io.nextitem.testing.Clicks;
import io.nextitem.testing.JobUnderTest;
import io.nextitem.testing.KafkaTestTopics;
import io.nextitem.testing.OldProducerClicks;
import io.nextitem.testing.TestModels;
import java.nio.charset.StandardCharsets;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every model family is served by the same job code: for each tiny trained version (TestModels),
 * the job runs on a MiniCluster against a real broker and answers every click with a list from
 * that version, whatever inputs its graph reads: users the model knows and users it never saw,
 * items it never saw (skipped; a user with none it knows gets the popularity list), categories it
 * knows, never saw or that the producer left out, and event times days apart (DMRAN's buckets).
 */
class ModelServingITCase extends BrokerAndFlinkITCase {
    private static final int USERS = 60;
    private static final int CLICKS_PER_USER = 5;
    private static final long DAYS_BETWEEN_STEPS_MILLIS = 3 * 86_400_000L;

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
        Set<String> known = Set.copyOf(TestModels.idsIn(versionFolder, "items.tsv"));
        for (Recommendation r : recommendations) {
            assertThat(r.getModelName()).isEqualTo(manifest.name());
            assertThat(r.getModelVersion()).isEqualTo(manifest.version());
            // The encoder ranks whenever the user has clicked an item the model knows.
            boolean anyKnown = seenAtEvent.get(r.getTriggerEventId()).stream().anyMatch(known::contains);
            assertThat(r.getSource()).as("source for " + r.getTriggerEventId())
                    .isEqualTo(anyKnown ? RecommendationSource.MODEL : RecommendationSource.POPULARITY);
            List<String> items = r.getItems().stream().map(RankedItem::getItemId).toList();
            assertThat(items).as("recommendation for " + r.getTriggerEventId()).hasSize(10).doesNotHaveDuplicates()
                    .doesNotContainAnyElementsOf(seenAtEvent.get(r.getTriggerEventId()));
        }
    }

    /**
     * A producer still on the version-0 ClickEvent schema (no category field) feeds a job serving
     * a graph that reads categories and times (DMRAN): its events decode with the reader schema's
     * default and are scored with category 0, by the model, without a dead letter.
     */
    @Test
    void clicksFromAnOldProducerWithoutCategoriesStillServe() throws Exception {
        Path registry = TestModels.ROOT.resolve("dmran");
        Path versionFolder = TestModels.versionIn(registry);
        JobConfig config = JobUnderTest.configFor(broker, registry, Files.createDirectories(tmp.resolve("checkpoints-v0")));
        config.decoder.schemaDir = OldProducerClicks.WRITER_SCHEMAS.toString();
        JobClient job = JobUnderTest.start(broker, config);

        List<String> items = TestModels.idsIn(versionFolder, "items.tsv");
        List<String> eventIds = new ArrayList<>();
        try (ClickReplayer producer = new ClickReplayer(broker.bootstrapServers(), config.kafka.clicksTopic)) {
            for (int step = 0; step < 3; step++) {
                for (int user = 0; user < 20; user++) {
                    String eventId = "old-" + user + "-" + step;
                    long time = Clicks.T0 + step * DAYS_BETWEEN_STEPS_MILLIS + user;
                    String userId = "old-user-" + user;
                    producer.sendRaw(userId.getBytes(StandardCharsets.UTF_8),
                            OldProducerClicks.encode(eventId, userId, items.get((user * 7 + step) % items.size()), time), time);
                    eventIds.add(eventId);
                }
            }
            producer.flush();
        }
        List<Recommendation> recommendations = KafkaTestTopics.readCommitted(broker.bootstrapServers(),
                        config.kafka.recommendationsTopic, eventIds.size(), Duration.ofSeconds(120), Duration.ofSeconds(2))
                .stream().map(r -> JobUnderTest.decode(r, Recommendation::fromByteBuffer)).toList();
        List<String> deadLetters = KafkaTestTopics.readCommitted(broker.bootstrapServers(),
                        config.kafka.deadLetterTopic, 0, Duration.ZERO, Duration.ofSeconds(2))
                .stream().map(r -> JobUnderTest.decode(r, DeadLetter::fromByteBuffer))
                .map(d -> d.getReason() + ": " + d.getMessage()).toList();
        assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
        job.cancel().get();

        assertThat(deadLetters).as("an old producer's clicks are never dead letters").isEmpty();

        assertThat(recommendations).extracting(Recommendation::getTriggerEventId).containsExactlyInAnyOrderElementsOf(eventIds);
        assertThat(recommendations).allSatisfy(r -> {
            assertThat(r.getSource()).isEqualTo(RecommendationSource.MODEL);
            assertThat(r.getModelName()).isEqualTo("dmran");
            assertThat(r.getItems()).hasSize(10);
        });
    }

    /**
     * USERS x CLICKS_PER_USER clicks, three days apart per step. For a graph that reads user_idx,
     * half the users are ones it was trained on and half are new (user_idx 0). Every fifth user's
     * first click and every third user's third click are on items no version knows; categories
     * cycle through known ones, one no version knows, and none at all.
     */
    private static List<ClickEvent> clicksFor(Path versionFolder, ModelManifest manifest) {
        List<String> items = TestModels.idsIn(versionFolder, "items.tsv");
        List<String> knownUsers = manifest.readsUserIndex() ? TestModels.idsIn(versionFolder, ModelManifest.USERS_FILE) : List.of();
        List<String> categories = manifest.readsCategories()
                ? TestModels.idsIn(versionFolder, ModelManifest.CATEGORIES_FILE) : List.of("books", "games");
        Random random = new Random(11);
        List<ClickEvent> clicks = new ArrayList<>();
        for (int step = 0; step < CLICKS_PER_USER; step++) {
            for (int user = 0; user < USERS; user++) {
                String userId = user % 2 == 0 && !knownUsers.isEmpty() ? knownUsers.get(user % knownUsers.size()) : "new-user-" + user;
                boolean unknownItem = (step == 0 && user % 5 == 1) || (step == 2 && user % 3 == 0);
                String item = unknownItem ? "never-seen-item-" + user + "-" + step : items.get(random.nextInt(items.size()));
                String category = switch ((step + user) % 4) {
                    case 0 -> "never-seen-category";
                    case 1 -> null;
                    default -> categories.get(random.nextInt(categories.size()));
                };
                clicks.add(Clicks.click(userId, item, Clicks.T0 + step * DAYS_BETWEEN_STEPS_MILLIS + user, category));
            }
        }
        return clicks;
    }
}
