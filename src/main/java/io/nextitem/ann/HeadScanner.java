package io.nextitem.ann;

/** Exact top-k by inner product over a {@link NormHead}'s rows, for a batch of queries at once. */
@FunctionalInterface
public interface HeadScanner {
    /**
     * For each query, the {@code k} best head rows (at most the head's size), best first.
     *
     * @param queries [B][D]
     */
    Hits[] scan(float[][] queries, int k);

    /** Head row positions (see {@link NormHead#doc}) and their inner products with the query, best first. */
    record Hits(int[] rows, float[] scores) {}
}
