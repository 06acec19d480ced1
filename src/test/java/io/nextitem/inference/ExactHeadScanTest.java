package io.nextitem.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.nextitem.ann.ApproximateItemSearch;
import io.nextitem.ann.HnswParameters;
import io.nextitem.ann.LuceneItemIndex;
import io.nextitem.ann.NormHead;
import io.nextitem.ann.NpyFloatMatrix;
import io.nextitem.testing.RetrievalFormFixture;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The longest items scanned exactly in ONNX Runtime: the scan is the brute-force top k of the
 * head's rows, a search that starts from it and walks the graphs of the rest finds the exact top
 * k, with seen items removed, for a batch as for one query, and without the graphs it is the
 * head's own top k.
 */
class ExactHeadScanTest {
    private static final int ITEMS = 1_500;
    private static final int DIM = 8;

    @TempDir
    Path tmp;

    @Test
    void theScanIsTheBruteForceTopKOfTheHeadsRows() throws Exception {
        try (Fixture f = new Fixture(tmp, 400)) {
            assertThat(f.head.size()).isEqualTo(400);
            assertThat(f.head.firstTailBand()).isLessThan(f.index.bands());
            float[] norms = io.nextitem.ann.NormBands.norms(f.vectors);
            float shortestInHead = Float.MAX_VALUE;
            for (int row = 0; row < f.head.size(); row++) {
                shortestInHead = Math.min(shortestInHead, norms[f.head.doc(row)]);
            }
            assertThat(f.head.tailBound()).as("the head holds the longest items").isLessThanOrEqualTo(shortestInHead);
            assertThat(IntStream.range(0, ITEMS).filter(d -> norms[d] > f.head.tailBound()).count()).isLessThanOrEqualTo(400);
            float[][] queries = gaussian(new SplittableRandom(21), 5, 1.0);
            var hits = f.scan.scan(queries, 12);
            for (int q = 0; q < queries.length; q++) {
                int[] headDocs = IntStream.range(0, f.head.size()).map(f.head::doc).toArray();
                int[] expected = top(f.items, queries[q], 12, headDocs);
                assertThat(Arrays.stream(hits[q].rows()).map(f.head::doc).toArray()).containsExactly(expected);
                for (int i = 0; i < 12; i++) {
                    assertThat(hits[q].scores()[i]).isCloseTo((float) RetrievalFormFixture.innerProduct(f.items[expected[i]], queries[q]), within(1e-4f));
                }
            }
            assertThat(f.scan.scan(queries, 10 * ITEMS)[0].rows()).as("k beyond the head keeps the whole head")
                    .hasSize(f.head.size());
        }
    }

    /** @param headItems a cut inside a band (its longest items in the head, the rest walked), and one at every item */
    @ParameterizedTest
    @ValueSource(ints = {400, ITEMS})
    void headAndGraphsTogetherFindTheExactTopKUnseenInABatch(int headItems) throws Exception {
        try (Fixture f = new Fixture(tmp, headItems)) {
            ApproximateItemSearch search = new ApproximateItemSearch(f.index, f.vectors, ITEMS, ITEMS,
                    LuceneItemIndex.BandDepth.BY_SLACK, f.head, f.scan, true);
            float[][] queries = gaussian(new SplittableRandom(22), 20, 1.0);
            long[][] seen = new long[queries.length][];
            int[] all = IntStream.range(0, ITEMS).toArray();
            for (int q = 0; q < queries.length; q++) {
                // each user has seen three of their own five best items
                int[] best = top(f.items, queries[q], 5, all);
                seen[q] = new long[] {best[0] + 1L, best[2] + 1L, best[4] + 1L};
                Arrays.sort(seen[q]);
            }
            ApproximateItemSearch.Found[] found = search.search(queries, 10, seen);
            for (int q = 0; q < queries.length; q++) {
                long[] seenByQ = seen[q];
                int[] unseen = Arrays.stream(all).filter(d -> Arrays.binarySearch(seenByQ, d + 1L) < 0).toArray();
                long[] expected = Arrays.stream(top(f.items, queries[q], 10, unseen)).mapToLong(d -> d + 1L).toArray();
                assertThat(found[q].itemIndices()).as("query " + q).containsExactly(expected);
                assertThat(search.search(queries[q], 10, seen[q]).itemIndices()).containsExactly(expected);
            }
        }
    }

    @Test
    void withoutTheGraphsTheListIsTheExactTopKOfTheHeadAlone() throws Exception {
        try (Fixture f = new Fixture(tmp, 400)) {
            ApproximateItemSearch headOnly = new ApproximateItemSearch(f.index, f.vectors, 50, ITEMS,
                    LuceneItemIndex.BandDepth.BY_SLACK, f.head, f.scan, false);
            int[] headDocs = IntStream.range(0, f.head.size()).map(f.head::doc).toArray();
            for (float[] query : gaussian(new SplittableRandom(23), 10, 1.0)) {
                long[] expected = Arrays.stream(top(f.items, query, 10, headDocs)).mapToLong(d -> d + 1L).toArray();
                assertThat(headOnly.search(query, 10, new long[0]).itemIndices()).containsExactly(expected);
            }
        }
    }

    /** A banded index of skewed norms (a few long outliers, like a trained table) and its head. */
    private static final class Fixture implements AutoCloseable {
        final float[][] items;
        final NpyFloatMatrix vectors;
        final LuceneItemIndex index;
        final NormHead head;
        final ExactHeadScan scan;

        Fixture(Path tmp, int headItems) throws Exception {
            SplittableRandom random = new SplittableRandom(11);
            items = new float[ITEMS][];
            for (int i = 0; i < ITEMS; i++) {
                items[i] = gaussian(random, 1, i < 5 ? 40.0 : Math.exp(1.2 * random.nextGaussian()))[0];
            }
            Path file = tmp.resolve("vectors.npy");
            NpyFloatMatrix.write(file, items);
            vectors = NpyFloatMatrix.open(file);
            LuceneItemIndex.build(vectors, new HnswParameters(16, 100, false, 6), tmp.resolve("index"), n -> { });
            index = LuceneItemIndex.open(tmp.resolve("index"), ITEMS, DIM, true);
            head = NormHead.of(index, vectors, headItems);
            scan = new ExactHeadScan(head, 1, "fixture");
        }

        @Override
        public void close() {
            scan.close();
            index.close();
        }
    }

    private static int[] top(float[][] items, float[] query, int k, int[] among) {
        return RetrievalFormFixture.bestByInnerProduct(items, query, k, among);
    }

    private static float[][] gaussian(SplittableRandom random, int rows, double scale) {
        float[][] out = new float[rows][DIM];
        for (float[] row : out) {
            for (int d = 0; d < DIM; d++) {
                row[d] = (float) (scale * random.nextGaussian());
            }
        }
        return out;
    }
}
