package io.nextitem.inference;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nextitem.avro.RankedItem;
import io.nextitem.avro.RecommendationSource;
import io.nextitem.model.ModelVersion;
import io.nextitem.sequence.ScoringRequest;
import io.nextitem.testing.TestModels;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A version that passes every load-time check but answers NaN for requests holding one item
 * (made by {@code trainer fault-model --kind nan}): those requests get popularity's list and are
 * flagged for the nonFiniteScores metric; every other request in the same batch is ranked by
 * the model as before.
 */
class NonFiniteScoresTest {
    private static final Path FAULTY = Path.of("src/test/resources/nextitem/faulty-models/sasrec-nan/sasrec-nan-test");

    @Test
    void theFaultyVersionPassesEveryLoadTimeCheck() {
        io.nextitem.config.ModelSettings settings = new io.nextitem.config.ModelSettings();
        settings.executionProvider = "cpu";
        try (SequenceRecommender opened = SequenceRecommender.open(FAULTY, settings)) {
            assertThat(opened.version().version()).isEqualTo("sasrec-nan-test");
        }
    }

    @Test
    void requestsTheModelAnswersWithNanGetPopularityAndAreFlagged() throws Exception {
        ModelVersion version = ModelVersion.load(FAULTY);
        ModelVersion original = ModelVersion.load(TestModels.versionIn(TestModels.ROOT.resolve("sasrec")));
        String poison = new ObjectMapper().readTree(FAULTY.resolve("manifest.json").toFile())
                .path("fault").path("poison_item_id").asText();
        List<String> items = TestModels.idsIn(FAULTY, "items.tsv");
        ScoringRequest clean = request("u-clean", items.get(0), items.get(1), items.get(2));
        ScoringRequest poisoned = request("u-poisoned", items.get(0), poison, items.get(2));

        try (SequenceRecommender faulty = new SequenceRecommender(version, new OnnxEncoder(version, "cpu", 1), 10);
             SequenceRecommender healthy = new SequenceRecommender(original, new OnnxEncoder(original, "cpu", 1), 10)) {
            List<SequenceRecommender.Scored> batch = faulty.recommendAll(List.of(clean, poisoned), 0L);

            SequenceRecommender.Scored poisonedAnswer = batch.get(1);
            assertThat(poisonedAnswer.nonFiniteScores()).isTrue();
            assertThat(poisonedAnswer.recommendation().getSource()).isEqualTo(RecommendationSource.POPULARITY);
            assertThat(poisonedAnswer.recommendation().getItems()).hasSize(10)
                    .allSatisfy(item -> assertThat(Float.isFinite(item.getScore())).isTrue());

            SequenceRecommender.Scored cleanAnswer = batch.get(0);
            assertThat(cleanAnswer.nonFiniteScores()).isFalse();
            assertThat(cleanAnswer.recommendation().getSource()).isEqualTo(RecommendationSource.MODEL);
            assertThat(ids(cleanAnswer)).as("the clean request is ranked as by the unbroken version")
                    .isEqualTo(ids(healthy.recommendAll(List.of(clean), 0L).get(0)));
        }
    }

    private static ScoringRequest request(String user, String... items) {
        return new ScoringRequest(user, user + "-e", 1_000L, items, new long[items.length], new String[items.length]);
    }

    private static List<String> ids(SequenceRecommender.Scored scored) {
        return scored.recommendation().getItems().stream().map(RankedItem::getItemId).toList();
    }
}
