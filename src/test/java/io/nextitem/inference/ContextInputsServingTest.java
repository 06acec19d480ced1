package io.nextitem.inference;

import static org.assertj.core.api.Assertions.assertThat;

import io.nextitem.avro.RankedItem;
import io.nextitem.avro.Recommendation;
import io.nextitem.avro.RecommendationSource;
import io.nextitem.model.ModelManifest;
import io.nextitem.model.ModelVersion;
import io.nextitem.sequence.ScoringRequest;
import io.nextitem.testing.TestModels;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Graphs that read event times and categories (DMRAN's and SSRF's test versions) get them from
 * the request, aligned with the items the version knows: times in epoch seconds, the query time
 * of the newest event, categories through categories.tsv with unknown and missing ones as 0
 * (counted), and a user the model never saw as 0. Scores follow the inputs.
 */
class ContextInputsServingTest {
    private static final long T0_MILLIS = 1_767_225_600_000L;
    private static final long DAY_MILLIS = 86_400_000L;

    private static ModelVersion load(String family) {
        return ModelVersion.load(TestModels.versionIn(TestModels.ROOT.resolve(family)));
    }

    private static ScoringRequest request(String user, String[] items, long[] timesMillis, String[] categories) {
        return new ScoringRequest(user, "e-" + user, timesMillis[timesMillis.length - 1], items, timesMillis, categories);
    }

    @Test
    void unknownItemsAreSkippedWithTheirTimesAndCategories() {
        ModelVersion version = load("dmran");
        List<String> items = TestModels.idsIn(version.folder(), "items.tsv");
        List<String> categories = TestModels.idsIn(version.folder(), ModelManifest.CATEGORIES_FILE);
        String[] ids = {items.get(3), "never-seen-item", items.get(5), items.get(7)};
        long[] times = {T0_MILLIS, T0_MILLIS + DAY_MILLIS, T0_MILLIS + 2 * DAY_MILLIS + 999, T0_MILLIS + 9 * DAY_MILLIS};
        String[] cats = {categories.get(1), categories.get(0), "never-seen-category", null};

        RequestInputs assembled = RequestInputs.of(request("u", ids, times, cats), version);

        EncoderInputs inputs = assembled.inputs();
        assertThat(inputs.sequences().get(EncoderInputs.ITEM_SEQ)).isDeepEqualTo(new long[][] {{4, 6, 8}});
        assertThat(inputs.sequences().get(EncoderInputs.TIME_SEQ)).isDeepEqualTo(new long[][] {
            {T0_MILLIS / 1000, (T0_MILLIS + 2 * DAY_MILLIS) / 1000, (T0_MILLIS + 9 * DAY_MILLIS) / 1000}});
        assertThat(inputs.perRowValues().get(EncoderInputs.QUERY_TIME)).containsExactly((T0_MILLIS + 9 * DAY_MILLIS) / 1000);
        assertThat(inputs.sequences().get(EncoderInputs.CAT_SEQ)).isDeepEqualTo(new long[][] {{2, 0, 0}});
        assertThat(assembled.unknownItems()).isEqualTo(1);
        assertThat(assembled.unknownCategories()).isEqualTo(2);
        assertThat(inputs.has(EncoderInputs.USER_IDX)).isFalse();  // DMRAN does not read it
    }

    @Test
    void theQueryTimeIsTheNewestEventEvenWhenTheTriggerArrivedLate() {
        long[] times = {T0_MILLIS + 5 * DAY_MILLIS, T0_MILLIS + 6 * DAY_MILLIS};
        ScoringRequest late = new ScoringRequest("u", "e", T0_MILLIS, new String[] {"a", "b"}, times, new String[2]);
        assertThat(RequestInputs.queryTimeMillis(late)).isEqualTo(T0_MILLIS + 6 * DAY_MILLIS);
    }

    @Test
    void dmranScoresDependOnEventAgesAndCategories() throws Exception {
        ModelVersion version = load("dmran");
        List<String> items = TestModels.idsIn(version.folder(), "items.tsv");
        List<String> categories = TestModels.idsIn(version.folder(), ModelManifest.CATEGORIES_FILE);
        String[] ids = {items.get(10), items.get(11), items.get(12)};
        String[] cats = {categories.get(0), categories.get(1), categories.get(2)};
        long[] recent = {T0_MILLIS, T0_MILLIS + 1000, T0_MILLIS + 2000};
        long[] spread = {T0_MILLIS - 400 * DAY_MILLIS, T0_MILLIS - 30 * DAY_MILLIS, T0_MILLIS + 2000};
        try (SequenceRecommender recommender = new SequenceRecommender(version, new OnnxEncoder(version, "auto", 1), 10)) {
            Recommendation base = recommender.recommend(request("u", ids, recent, cats), 0L);
            Recommendation aged = recommender.recommend(request("u", ids, spread, cats), 0L);
            Recommendation uncategorised = recommender.recommend(request("u", ids, recent, new String[3]), 0L);
            assertThat(recommender.lastUnknownCategories()).isEqualTo(3);
            assertThat(List.of(base, aged, uncategorised)).allSatisfy(r -> {
                assertThat(r.getSource()).isEqualTo(RecommendationSource.MODEL);
                assertThat(r.getItems()).hasSize(10).extracting(RankedItem::getItemId).doesNotContain(ids);
            });
            assertThat(scores(aged)).isNotEqualTo(scores(base));
            assertThat(scores(uncategorised)).isNotEqualTo(scores(base));
        }
    }

    @Test
    void ssrfGetsCategoriesAndTheUserIndex() throws Exception {
        ModelVersion version = load("ssrf");
        assertThat(version.manifest().inputs()).containsExactly("item_seq", "cat_seq", "user_idx");
        List<String> items = TestModels.idsIn(version.folder(), "items.tsv");
        List<String> users = TestModels.idsIn(version.folder(), ModelManifest.USERS_FILE);
        String[] ids = {items.get(20), items.get(21)};
        long[] times = {T0_MILLIS, T0_MILLIS + 1000};
        String[] cats = {TestModels.idsIn(version.folder(), ModelManifest.CATEGORIES_FILE).get(0), "never-seen-category"};
        try (SequenceRecommender recommender = new SequenceRecommender(version, new OnnxEncoder(version, "auto", 1), 10)) {
            Recommendation known = recommender.recommend(request(users.get(0), ids, times, cats), 0L);
            assertThat(recommender.lastUserUnknown()).isFalse();
            assertThat(recommender.lastUnknownCategories()).isEqualTo(1);
            Recommendation stranger = recommender.recommend(request("never-seen-user", ids, times, cats), 0L);
            assertThat(recommender.lastUserUnknown()).isTrue();
            assertThat(stranger.getSource()).isEqualTo(RecommendationSource.MODEL);
            assertThat(scores(stranger)).isNotEqualTo(scores(known));
        }
    }

    private static List<Float> scores(Recommendation r) {
        return r.getItems().stream().map(RankedItem::getScore).toList();
    }
}
