package io.nextitem.ann;

import java.util.Arrays;

/**
 * The exact top k of the retrieval form: every item's inner product with the query, the best
 * k kept (ties by item index). The reference approximate search is held to (parity, recall).
 */
public final class ExactItemSearch {
    private ExactItemSearch() {}

    /** Item indices (1-based) and their scores, best first. */
    public record Top(long[] itemIndices, float[] scores) {}

    public static Top topK(NpyFloatMatrix vectors, float[] query, int k) {
        int n = Math.min(k, vectors.rows());
        long[] items = new long[n];
        float[] scores = new float[n];
        Arrays.fill(scores, Float.NEGATIVE_INFINITY);
        int filled = 0;
        for (int row = 0; row < vectors.rows(); row++) {
            float score = vectors.innerProduct(query, row);
            if (filled < n || score > scores[n - 1]) {
                int at = Math.min(filled, n - 1);
                while (at > 0 && scores[at - 1] < score) {
                    scores[at] = scores[at - 1];
                    items[at] = items[at - 1];
                    at--;
                }
                scores[at] = score;
                items[at] = row + 1L;
                filled = Math.min(n, filled + 1);
            }
        }
        return new Top(items, scores);
    }
}
