package io.nextitem.inference;

import static org.assertj.core.api.Assertions.assertThat;

import io.nextitem.avro.RankedItem;
import io.nextitem.avro.Recommendation;
import io.nextitem.avro.RecommendationSource;
import io.nextitem.model.ModelVersion;
import io.nextitem.sequence.ScoringRequest;
import io.nextitem.testing.DemoModel;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * With item rules downstream (model.extraCandidates) the recommend stage passes on a deeper list:
 * the model's candidates first, up to top-k + extra, then as many popularity items flagged
 * filled, so the items stage can leave items out and still keep K.
 */
class DeepCandidateListTest {
    private static ScoringRequest request(String... items) {
        return new ScoringRequest("u1", "e1", 1_000L, items, new long[items.length], new String[items.length]);
    }

    @Test
    void theModelRanksTopKPlusExtraThenPopularityFillsAsManyAgain() throws Exception {
        ModelVersion version = ModelVersion.load(DemoModel.versionFolder());
        List<String> known = DemoModel.itemIds();
        try (SequenceRecommender shallow = new SequenceRecommender(version, new OnnxEncoder(version, "cpu", 1), null, 10, 0);
             SequenceRecommender deep = new SequenceRecommender(version, new OnnxEncoder(version, "cpu", 1), null, 10, 8)) {
            String[] sequence = known.subList(0, 3).toArray(String[]::new);
            Recommendation plain = shallow.recommend(request(sequence), 0L);
            Recommendation deeper = deep.recommend(request(sequence), 0L);

            assertThat(plain.getItems()).hasSize(10).noneMatch(RankedItem::getFilled);
            assertThat(deeper.getSource()).isEqualTo(RecommendationSource.MODEL);
            assertThat(deeper.getItems()).hasSize(2 * 18);
            assertThat(deeper.getItems().subList(0, 18)).noneMatch(RankedItem::getFilled);
            assertThat(deeper.getItems().subList(18, 36)).allMatch(RankedItem::getFilled);
            assertThat(deeper.getItems().subList(0, 10)).as("the first K are the plain list")
                    .extracting(RankedItem::getItemId).containsExactlyElementsOf(
                            plain.getItems().stream().map(RankedItem::getItemId).toList());
            assertThat(deeper.getItems()).extracting(RankedItem::getItemId).doesNotHaveDuplicates()
                    .doesNotContain(sequence);

            Recommendation cold = deep.recommend(request("brand-new-item"), 0L);
            assertThat(cold.getSource()).isEqualTo(RecommendationSource.POPULARITY);
            assertThat(cold.getItems()).hasSize(2 * 18).allMatch(RankedItem::getFilled);
        }
    }
}
