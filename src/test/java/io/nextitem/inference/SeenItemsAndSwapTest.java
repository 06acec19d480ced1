package io.nextitem.inference;

import static org.assertj.core.api.Assertions.assertThat;

import io.nextitem.avro.RankedItem;
import io.nextitem.avro.Recommendation;
import io.nextitem.config.ModelSettings;
import io.nextitem.model.ModelVersion;
import io.nextitem.sequence.ScoringRequest;
import io.nextitem.testing.TestModels;
import io.nextitem.testing.VersionFixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What moving the id work off the inference thread must keep: seen items are left out by index
 * (also those older than the model's L), the popularity fill still checks ids, and a request
 * looked up in a version that was swapped out before its batch ran is looked up again.
 */
class SeenItemsAndSwapTest {
    private static final Path SASREC = TestModels.versionIn(TestModels.ROOT.resolve("sasrec"));

    @TempDir
    Path tmp;

    @Test
    void seenIndicesHoldEveryKnownItemAlsoBeyondTheModelsLength() {
        ModelVersion version = ModelVersion.load(SASREC);
        int maxLen = version.manifest().maxSeqLen();
        List<String> items = TestModels.idsIn(SASREC, "items.tsv");
        List<String> sequence = new ArrayList<>(items.subList(0, maxLen + 5));
        sequence.add(0, "never-seen-old");
        sequence.add(3, "never-seen-mid");

        RequestInputs inputs = RequestInputs.of(request(sequence.toArray(String[]::new)), version);

        long[] expected = new long[maxLen + 5];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = version.items().indexOf(items.get(i));
        }
        Arrays.sort(expected);
        assertThat(inputs.seenIndices()).containsExactly(expected);
        assertThat(inputs.inputs().length()).isEqualTo(maxLen);
    }

    @Test
    void modelCandidatesAreCheckedByIndexAndThePopularityFillById() {
        RankedListBuilder list = new RankedListBuilder(3, new long[] {3, 5}, new String[] {"c", "e", "x-unknown"});
        list.offerIndexed(5, "e", 0.9f);
        list.offerIndexed(4, "d", 0.8f);
        list.offerIndexed(3, "c", 0.7f);
        list.offerIndexed(9, null, 0.6f); // an index outside the vocabulary
        list.offerIndexed(2, "b", 0.5f);
        assertThat(list.isFull()).isFalse();
        list.offer("x-unknown", 100f); // seen, unknown to the model
        list.offer("d", 90f);          // already in the list
        list.offer("e", 80f);          // seen
        list.offer("p", 70f);
        assertThat(list.isFull()).isTrue();
        assertThat(list.build()).extracting(RankedItem::getItemId).containsExactly("d", "b", "p");
        assertThat(list.build()).extracting(RankedItem::getRank).containsExactly(1, 2, 3);
    }

    @Test
    void aRequestPreparedForASwappedOutVersionIsAnsweredInTheNewOne() throws Exception {
        // The same weights with the item ids rotated: each id has another index in "rotated".
        Path rotated = VersionFixtures.publish(SASREC, tmp.resolve("registry"), "sasrec-rotated", "2026-03-01T00:00:00Z",
                staged -> VersionFixtures.rewrite(staged, "items.tsv", SeenItemsAndSwapTest::rotateIds, true));
        ModelSettings settings = new ModelSettings();
        List<String> items = TestModels.idsIn(SASREC, "items.tsv");
        ScoringRequest request = request(items.get(10), items.get(20), items.get(30), items.get(40));
        try (SequenceRecommender before = SequenceRecommender.open(SASREC, settings);
             SequenceRecommender after = SequenceRecommender.open(rotated, settings)) {
            SequenceRecommender.Prepared stale = before.prepare(request);

            SequenceRecommender.Answered answered = after.answer(List.of(stale)).get(0);

            assertThat(answered.prepared().version()).isSameAs(after.version());
            Recommendation fromStale = answered.rank(0L).recommendation();
            Recommendation fresh = after.recommend(request, 0L);
            assertThat(ids(fromStale)).isEqualTo(ids(fresh));
            assertThat(ids(fresh)).as("the rotation changes the answer, so the check can fail")
                    .isNotEqualTo(ids(before.recommend(request, 0L)));
        }
    }

    /** items.tsv with every id moved one line down (the last to the first line). */
    private static byte[] rotateIds(byte[] itemsTsv) {
        String[] lines = new String(itemsTsv, StandardCharsets.UTF_8).strip().split("\n");
        StringBuilder out = new StringBuilder();
        for (int line = 0; line < lines.length; line++) {
            String id = lines[(line + lines.length - 1) % lines.length].split("\t")[1];
            out.append(line + 1).append('\t').append(id).append('\n');
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static ScoringRequest request(String... items) {
        long[] times = new long[items.length];
        for (int i = 0; i < items.length; i++) {
            times[i] = 1_767_225_600_000L + i * 60_000L;
        }
        return new ScoringRequest("u", "e", times[items.length - 1], items, times, new String[items.length]);
    }

    private static List<String> ids(Recommendation recommendation) {
        return recommendation.getItems().stream().map(RankedItem::getItemId).toList();
    }
}
