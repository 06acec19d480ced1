package io.nextitem.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nextitem.avro.RankedItem;
import io.nextitem.avro.Recommendation;
import io.nextitem.avro.RecommendationSource;
import io.nextitem.model.ModelManifest;
import io.nextitem.model.ModelVersion;
import io.nextitem.sequence.ScoringRequest;
import io.nextitem.testing.TestModels;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A graph that reads user_idx (AttRec's test version) gets the index the job looks up in
 * users.tsv: the same sequence ranks differently for two known users, a user the model never saw
 * is scored with index 0 (counted, not refused), and a batch without user_idx is refused.
 */
class UserIndexServingTest {
    private static ModelVersion version;
    private static OnnxEncoder encoder;
    private static SequenceRecommender recommender;

    @BeforeAll
    static void load() {
        version = ModelVersion.load(TestModels.versionIn(TestModels.ROOT.resolve("attrec")));
        encoder = new OnnxEncoder(version, "auto", 1);
        recommender = new SequenceRecommender(version, encoder, 10);
    }

    @AfterAll
    static void close() {
        recommender.close();
    }

    private static Recommendation recommend(String user, List<String> items) throws Exception {
        String[] ids = items.toArray(String[]::new);
        return recommender.recommend(new ScoringRequest(user, "e-" + user, 1_000L, ids, new long[ids.length], new String[ids.length]), 0L);
    }

    @Test
    void theUsersIndexChangesTheRankingAndUnknownUsersAreScoredWithIndexZero() throws Exception {
        assertThat(version.manifest().readsUserIndex()).isTrue();
        List<String> users = TestModels.idsIn(version.folder(), ModelManifest.USERS_FILE);
        List<String> sequence = TestModels.idsIn(version.folder(), "items.tsv").subList(10, 15);

        Recommendation first = recommend(users.get(0), sequence);
        assertThat(recommender.lastUserUnknown()).isFalse();
        Recommendation second = recommend(users.get(1), sequence);
        Recommendation stranger = recommend("never-seen-user", sequence);
        assertThat(recommender.lastUserUnknown()).isTrue();

        assertThat(List.of(first, second, stranger)).allSatisfy(r -> {
            assertThat(r.getSource()).isEqualTo(RecommendationSource.MODEL);
            assertThat(r.getItems()).hasSize(10).extracting(RankedItem::getItemId).doesNotContainAnyElementsOf(sequence);
        });
        // Long-term preference is per user: the scores (and usually the order) differ by user.
        assertThat(scores(first)).isNotEqualTo(scores(second));
        assertThat(scores(stranger)).isNotEqualTo(scores(first));
    }

    @Test
    void aBatchWithoutTheUserIndexIsRefusedNamingTheInput() {
        assertThatThrownBy(() -> encoder.score(new long[][] {{1, 2, 3, 4, 5}}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reads input user_idx");
    }

    private static List<Float> scores(Recommendation r) {
        return r.getItems().stream().map(RankedItem::getScore).toList();
    }
}
