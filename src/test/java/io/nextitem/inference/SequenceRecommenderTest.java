package io.nextitem.inference;

import static org.assertj.core.api.Assertions.assertThat;

import io.nextitem.avro.RankedItem;
import io.nextitem.avro.Recommendation;
import io.nextitem.avro.RecommendationSource;
import io.nextitem.model.ModelVersion;
import io.nextitem.sequence.ScoringRequest;
import io.nextitem.testing.DemoModel;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SequenceRecommenderTest {
    private static SequenceRecommender recommender;
    private static ModelVersion version;

    @BeforeAll
    static void load() {
        version = ModelVersion.load(DemoModel.versionFolder());
        recommender = new SequenceRecommender(version, new OnnxEncoder(version, "auto", 1), 10);
    }

    @AfterAll
    static void close() {
        recommender.close();
    }

    private static ScoringRequest request(String... items) {
        return new ScoringRequest("u1", "e1", 1_000L, items, new long[items.length], new String[items.length]);
    }

    private static List<String> ids(Recommendation r) {
        return r.getItems().stream().map(RankedItem::getItemId).toList();
    }

    @Test
    void modelRanksKnownSequencesAndNeverRepeatsSeenItems() throws Exception {
        List<String> known = DemoModel.itemIds();
        // Seed the sequence with the popularity head too: those are the items most likely to rank high.
        List<String> seen = version.popularity().itemIds().subList(0, 8);
        String[] sequence = java.util.stream.Stream.concat(seen.stream(), known.subList(0, 5).stream())
                .distinct().toArray(String[]::new);

        Recommendation r = recommender.recommend(request(sequence), 2_000L);

        assertThat(r.getSource()).isEqualTo(RecommendationSource.MODEL);
        assertThat(ids(r)).hasSize(10).doesNotHaveDuplicates().doesNotContainAnyElementsOf(List.of(sequence));
        assertThat(r.getItems()).extracting(RankedItem::getRank).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        assertThat(r.getItems()).extracting(RankedItem::getScore).isSortedAccordingTo((a, b) -> Float.compare(b, a));
        assertThat(r.getModelVersion()).isEqualTo(version.version());
        assertThat(r.getEmitTimeMillis()).isEqualTo(2_000L);
    }

    @Test
    void sequencesOfOnlyUnknownItemsFallBackToPopularityMinusSeen() throws Exception {
        String popularFirst = version.popularity().itemIds().get(0);
        Recommendation r = recommender.recommend(request("brand-new-item", popularFirst), 0L);

        assertThat(r.getSource()).isEqualTo(RecommendationSource.MODEL)
                .as("one known item is enough for the model");
        Recommendation cold = recommender.recommend(request("brand-new-item"), 0L);
        assertThat(cold.getSource()).isEqualTo(RecommendationSource.POPULARITY);
        assertThat(ids(cold)).isEqualTo(version.popularity().itemIds().subList(0, 10));
        assertThat(recommender.lastUnknownItems()).isEqualTo(1);

        Recommendation coldSeenPopular = recommender.recommend(request("brand-new-item", "another-new"), 0L);
        assertThat(ids(coldSeenPopular)).doesNotContain("brand-new-item", "another-new");
    }

    @Test
    void longSequencesAreCutToTheModelsContext() throws Exception {
        List<String> known = DemoModel.itemIds();
        int maxLen = version.manifest().maxSeqLen();
        String[] longSequence = known.subList(0, Math.min(known.size() - 20, maxLen + 15)).toArray(String[]::new);
        Recommendation r = recommender.recommend(request(longSequence), 0L);
        assertThat(ids(r)).hasSize(10).doesNotContainAnyElementsOf(List.of(longSequence));
    }
}
