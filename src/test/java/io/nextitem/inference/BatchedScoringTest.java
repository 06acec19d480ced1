package io.nextitem.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.nextitem.avro.RankedItem;
import io.nextitem.avro.Recommendation;
import io.nextitem.config.ModelSettings;
import io.nextitem.model.ModelManifest;
import io.nextitem.sequence.ScoringRequest;
import io.nextitem.testing.TestModels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Scoring many requests in one encoder call (rows of different lengths, left-padded) gives every
 * request exactly the list it gets alone, for every served family: known and unknown items,
 * users and categories, cold users on the popularity path in the same batch.
 */
class BatchedScoringTest {
    private static final long T0 = 1_767_225_600_000L;

    static List<Path> registries() {
        return TestModels.registries();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("registries")
    void aBatchAnswersEachRequestAsItWouldBeAnsweredAlone(Path registry) throws Exception {
        Path version = TestModels.versionIn(registry);
        ModelSettings settings = new ModelSettings();
        settings.registry = registry.toString();
        try (SequenceRecommender recommender = SequenceRecommender.open(version, settings)) {
            List<ScoringRequest> requests = requests(version, recommender.version().manifest());
            List<SequenceRecommender.Scored> batched = recommender.recommendAll(requests, 7L);
            assertThat(batched).hasSize(requests.size());
            for (int r = 0; r < requests.size(); r++) {
                Recommendation alone = recommender.recommend(requests.get(r), 7L);
                Recommendation inBatch = batched.get(r).recommendation();
                assertThat(inBatch.getSource()).isEqualTo(alone.getSource());
                assertThat(ids(inBatch)).as("request " + r).isEqualTo(ids(alone));
                for (int k = 0; k < alone.getItems().size(); k++) {
                    assertThat(inBatch.getItems().get(k).getScore()).isCloseTo(alone.getItems().get(k).getScore(), within(1e-4f));
                }
                assertThat(batched.get(r).unknownItems()).isEqualTo(recommender.lastUnknownItems());
                assertThat(batched.get(r).userUnknown()).isEqualTo(recommender.lastUserUnknown());
                assertThat(batched.get(r).unknownCategories()).isEqualTo(recommender.lastUnknownCategories());
            }
        }
    }

    private static List<String> ids(Recommendation r) {
        return r.getItems().stream().map(RankedItem::getItemId).toList();
    }

    /** 12 requests of 1 to max_seq_len + 3 items, some unknown, some users and categories unknown, one cold. */
    private static List<ScoringRequest> requests(Path version, ModelManifest manifest) {
        List<String> items = TestModels.idsIn(version, "items.tsv");
        List<String> users = manifest.readsUserIndex() ? TestModels.idsIn(version, ModelManifest.USERS_FILE) : List.of("x");
        List<String> categories = manifest.readsCategories() ? TestModels.idsIn(version, ModelManifest.CATEGORIES_FILE) : List.of("c");
        Random random = new Random(5);
        List<ScoringRequest> out = new ArrayList<>();
        for (int r = 0; r < 12; r++) {
            int length = r == 3 ? 1 : 1 + random.nextInt(manifest.maxSeqLen() + 3);
            String[] ids = new String[length];
            long[] times = new long[length];
            String[] cats = new String[length];
            for (int i = 0; i < length; i++) {
                ids[i] = r == 3 || random.nextInt(6) == 0 ? "unknown-" + r + "-" + i : items.get(random.nextInt(items.size()));
                times[i] = T0 + (long) i * 86_400_000L * (1 + r % 3);
                cats[i] = random.nextInt(5) == 0 ? null : random.nextInt(7) == 0 ? "never-seen" : categories.get(random.nextInt(categories.size()));
            }
            String user = r % 2 == 0 ? users.get(r % users.size()) : "new-user-" + r;
            out.add(new ScoringRequest(user, "e" + r, times[length - 1], ids, times, cats).withTriggerItem(ids[length - 1]));
        }
        return out;
    }
}
