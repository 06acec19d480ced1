package io.nextitem.ann;

import static org.assertj.core.api.Assertions.assertThat;

import io.nextitem.testing.RetrievalFormFixture;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Approximate search returns the exact lists on a small catalogue, and seen items never shorten a list. */
class ApproximateItemSearchTest {
    private static final int ITEMS = 500;
    private static final int DIM = 12;

    @TempDir
    Path tmp;

    @Test
    void findsTheExactTopKOnASmallCatalogue() throws Exception {
        float[][] rows = RetrievalFormFixture.vectors(ITEMS, DIM, 3);
        try (Built built = build(rows)) {
            // Gaussian queries lie far from every item on the sphere (the best reduced score is about
            // 0.5), the hard case for a graph: ef 100 of 500 misses a top-10 item now and then.
            ApproximateItemSearch search = new ApproximateItemSearch(built.index, built.vectors, 250, 1000);
            for (float[] query : RetrievalFormFixture.vectors(20, DIM, 4)) {
                ApproximateItemSearch.Found found = search.search(query, 10, new long[0]);
                assertThat(found.itemIndices()).containsExactly(exactTop(built.vectors, query, 10, new long[0]));
                for (int i = 0; i < 10; i++) {
                    assertThat(found.scores()[i]).isEqualTo(built.vectors.innerProduct(query, (int) found.itemIndices()[i] - 1));
                }
            }
        }
    }

    @Test
    void aUserWhoHasSeenTheWholeTopStillGetsKUnseenItems() throws Exception {
        float[][] rows = RetrievalFormFixture.vectors(ITEMS, DIM, 3);
        try (Built built = build(rows)) {
            float[] query = RetrievalFormFixture.vectors(1, DIM, 5)[0];
            // the user has seen the 200 best items: a search for top_k alone would come back empty
            long[] seen = exactTop(built.vectors, query, 200, new long[0]);
            Arrays.sort(seen);
            ApproximateItemSearch search = new ApproximateItemSearch(built.index, built.vectors, 10, ITEMS);
            ApproximateItemSearch.Found found = search.search(query, 10, seen);
            assertThat(found.itemIndices()).hasSize(10).doesNotContain(seen);
            assertThat(found.shortOfTopK()).isFalse();
            // approximate at ranks 201..210: most, not necessarily all, of the exact ones
            long[] exact = exactTop(built.vectors, query, 10, seen);
            assertThat(Arrays.stream(found.itemIndices()).filter(item -> Arrays.stream(exact).anyMatch(e -> e == item)).count())
                    .isGreaterThanOrEqualTo(8);
        }
    }

    @Test
    void saysSoWhenEvenTheDeepestSearchIsShort() throws Exception {
        float[][] rows = RetrievalFormFixture.vectors(ITEMS, DIM, 3);
        try (Built built = build(rows)) {
            float[] query = RetrievalFormFixture.vectors(1, DIM, 5)[0];
            long[] seen = LongRangeOfItems.all(ITEMS - 4); // 496 of 500 seen: only 4 can be found
            ApproximateItemSearch search = new ApproximateItemSearch(built.index, built.vectors, 10, ITEMS);
            ApproximateItemSearch.Found found = search.search(query, 10, seen);
            assertThat(found.itemIndices()).containsExactlyInAnyOrder(497L, 498L, 499L, 500L);
            assertThat(found.shortOfTopK()).isTrue();
        }
    }

    @Test
    void theCapBoundsHowDeepItSearches() throws Exception {
        float[][] rows = RetrievalFormFixture.vectors(ITEMS, DIM, 3);
        try (Built built = build(rows)) {
            float[] query = RetrievalFormFixture.vectors(1, DIM, 5)[0];
            long[] seen = exactTop(built.vectors, query, 30, new long[0]);
            Arrays.sort(seen);
            // capped at 20 candidates, all of them among the 30 seen: short, and popularity fills
            ApproximateItemSearch capped = new ApproximateItemSearch(built.index, built.vectors, 5, 20);
            assertThat(capped.search(query, 10, seen).shortOfTopK()).isTrue();
            ApproximateItemSearch.Found roomy = new ApproximateItemSearch(built.index, built.vectors, 5, ITEMS)
                    .search(query, 10, seen);
            assertThat(roomy.itemIndices()).hasSize(10);
            assertThat(roomy.refetches()).isZero(); // topK + seen candidates were enough the first time
        }
    }

    private record Built(LuceneItemIndex index, NpyFloatMatrix vectors) implements AutoCloseable {
        @Override
        public void close() {
            index.close();
        }
    }

    private Built build(float[][] rows) throws Exception {
        Path file = tmp.resolve("item_vectors.npy");
        NpyFloatMatrix.write(file, rows);
        NpyFloatMatrix vectors = NpyFloatMatrix.open(file);
        LuceneItemIndex.build(vectors, new HnswParameters(16, 100, false), tmp.resolve("index"), n -> { });
        return new Built(LuceneItemIndex.open(tmp.resolve("index"), ITEMS, DIM, true), vectors);
    }

    /** Exact top k item indices (1-based) by inner product, seen ones skipped, ties by index. */
    static long[] exactTop(NpyFloatMatrix vectors, float[] query, int k, long[] seenSorted) {
        return IntStream.range(0, vectors.rows()).boxed()
                .filter(row -> Arrays.binarySearch(seenSorted, row + 1L) < 0)
                .sorted((a, b) -> {
                    int byScore = Float.compare(vectors.innerProduct(query, b), vectors.innerProduct(query, a));
                    return byScore != 0 ? byScore : Integer.compare(a, b);
                })
                .limit(k).mapToLong(row -> row + 1L).toArray();
    }

    private static final class LongRangeOfItems {
        static long[] all(int count) {
            return java.util.stream.LongStream.rangeClosed(1, count).toArray();
        }
    }
}
