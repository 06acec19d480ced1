package io.nextitem.ann;

import java.util.Arrays;

/**
 * Top-k items by inner product through the HNSW index, with items the user has seen removed and
 * a guarantee that they do not shorten the list: the index is asked for {@code 2 topK + seen}
 * candidates (searching {@code ef} deep in each norm band), so even if every seen item is among
 * them {@code topK} remain, and topK more are re-scored exactly (with int8 the graph's order near
 * the cut is approximate); asking for no more than that lets the index skip the norm bands that
 * cannot reach them;
 * should the graph still return fewer unseen items than that (it can miss nodes), the search runs
 * again twice as deep, up to {@code maxCandidates}. Candidates are re-scored with the exact float
 * vectors, so scores are the retrieval form's inner products whatever the index stores (int8 or
 * float32) and whatever the library's score scaling. Thread-safe.
 */
public final class ApproximateItemSearch {
    private final LuceneItemIndex index;
    private final NpyFloatMatrix vectors;
    private final int ef;
    private final int maxCandidates;

    /**
     * @param ef            candidates HNSW keeps while searching (model.search-ef)
     * @param maxCandidates the deepest a re-fetch goes; what is still missing then is filled from popularity
     */
    public ApproximateItemSearch(LuceneItemIndex index, NpyFloatMatrix vectors, int ef, int maxCandidates) {
        if (index.size() != vectors.rows()) {
            throw new IllegalArgumentException("index holds " + index.size() + " items, vectors " + vectors.rows());
        }
        this.index = index;
        this.vectors = vectors;
        this.ef = ef;
        this.maxCandidates = maxCandidates;
    }

    /**
     * The found items, best first.
     *
     * @param itemIndices 1-based item indices, none of them seen
     * @param scores      their inner products with the query, descending
     * @param refetches   how many times the search ran again deeper
     * @param shortOfTopK whether fewer than topK unseen items were found even at the deepest search
     */
    public record Found(long[] itemIndices, float[] scores, int refetches, boolean shortOfTopK) {}

    /** @param seenIndices 1-based item indices the user has seen, sorted ascending (as RequestInputs gives them) */
    public Found search(float[] query, int topK, long[] seenIndices) {
        int deepest = Math.min(maxCandidates, vectors.rows());
        int fetch = Math.min(deepest, 2 * topK + seenIndices.length);
        int refetches = 0;
        while (true) {
            int[] docs = index.search(query, fetch, Math.max(ef, fetch));
            Found found = rescoreUnseen(query, docs, topK, seenIndices, refetches);
            if (!found.shortOfTopK() || fetch >= deepest) {
                return found;
            }
            fetch = Math.min(deepest, 2 * fetch);
            refetches++;
        }
    }

    private Found rescoreUnseen(float[] query, int[] docs, int topK, long[] seenIndices, int refetches) {
        long[] items = new long[docs.length];
        float[] scores = new float[docs.length];
        int n = 0;
        for (int doc : docs) {
            long item = doc + 1L;
            if (Arrays.binarySearch(seenIndices, item) < 0) {
                items[n] = item;
                scores[n++] = vectors.innerProduct(query, doc);
            }
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        // by exact score, ties by item index, so approximate and exact search order equal items alike
        Arrays.sort(order, (a, b) -> scores[a] != scores[b] ? Float.compare(scores[b], scores[a]) : Long.compare(items[a], items[b]));
        int kept = Math.min(topK, n);
        long[] outItems = new long[kept];
        float[] outScores = new float[kept];
        for (int i = 0; i < kept; i++) {
            outItems[i] = items[order[i]];
            outScores[i] = scores[order[i]];
        }
        return new Found(outItems, outScores, refetches, kept < topK);
    }
}
