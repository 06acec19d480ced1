package io.nextitem.ann;

import java.util.Arrays;
import java.util.function.IntToDoubleFunction;

/**
 * Top-k items by inner product through the HNSW index, with items the user has seen removed and
 * a guarantee that they do not shorten the list: the index is asked for {@code topK + seen}
 * candidates (searching {@code ef} deep), so even if every seen item is among them {@code topK}
 * remain; asking for no more than that lets the index skip the norm bands that cannot reach them;
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
    private final LuceneItemIndex.BandDepth depth;
    /** The longest items, scored exactly by {@link #scanner} instead of through their graphs; null for none. */
    private final NormHead head;
    private final HeadScanner scanner;
    /** Whether the graphs of the items outside the head are walked (false: the head's scan alone answers). */
    private final boolean walkGraphs;

    /**
     * @param ef            candidates HNSW keeps while searching (model.search-ef)
     * @param maxCandidates the deepest a re-fetch goes; what is still missing then is filled from popularity
     */
    public ApproximateItemSearch(LuceneItemIndex index, NpyFloatMatrix vectors, int ef, int maxCandidates) {
        this(index, vectors, ef, maxCandidates, LuceneItemIndex.BandDepth.BY_SLACK);
    }

    /** @param depth how deep the norm bands after the longest are searched (ann-compare measures both) */
    public ApproximateItemSearch(LuceneItemIndex index, NpyFloatMatrix vectors, int ef, int maxCandidates,
                                 LuceneItemIndex.BandDepth depth) {
        this(index, vectors, ef, maxCandidates, depth, null, null, true);
    }

    /**
     * @param head       the longest items, scored exactly by {@code scanner}; the graphs are searched for the rest
     *                   (both null: every band through its graph)
     * @param walkGraphs false: the head's scan alone answers (faster; what it misses outside the head is lost)
     */
    public ApproximateItemSearch(LuceneItemIndex index, NpyFloatMatrix vectors, int ef, int maxCandidates,
                                 LuceneItemIndex.BandDepth depth, NormHead head, HeadScanner scanner, boolean walkGraphs) {
        if (index.size() != vectors.rows()) {
            throw new IllegalArgumentException("index holds " + index.size() + " items, vectors " + vectors.rows());
        }
        if ((head == null) != (scanner == null)) {
            throw new IllegalArgumentException("a head needs its scanner, and a scanner its head");
        }
        this.index = index;
        this.vectors = vectors;
        this.ef = ef;
        this.maxCandidates = maxCandidates;
        this.depth = depth;
        this.head = head;
        this.scanner = scanner;
        this.walkGraphs = walkGraphs;
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
        return search(query, topK, seenIndices, null);
    }

    /**
     * One search per query, the head of every query scanned in one batch first (one matrix
     * multiply for the batch instead of one per query).
     *
     * @param seenIndices per query, as in {@link #search(float[], int, long[])}
     */
    public Found[] search(float[][] queries, int topK, long[][] seenIndices) {
        HeadScanner.Hits[] scanned = null;
        if (head != null && queries.length > 0) {
            int deepest = 0;
            for (long[] seen : seenIndices) {
                deepest = Math.max(deepest, firstFetch(topK, seen));
            }
            scanned = scanner.scan(queries, Math.min(head.size(), deepest));
        }
        Found[] found = new Found[queries.length];
        for (int q = 0; q < queries.length; q++) {
            found[q] = search(queries[q], topK, seenIndices[q], scanned == null ? null : scanned[q]);
        }
        return found;
    }

    private Found search(float[] query, int topK, long[] seenIndices, HeadScanner.Hits scanned) {
        int deepest = Math.min(maxCandidates, vectors.rows());
        int fetch = firstFetch(topK, seenIndices);
        int refetches = 0;
        while (true) {
            int[] docs = head == null ? index.search(query, fetch, Math.max(ef, fetch), depth, 0, new int[0], new float[0],
                    exactKey(query, norm(query)), Float.POSITIVE_INFINITY) : searchAfterHead(query, fetch, scanned);
            Found found = rescoreUnseen(query, docs, topK, seenIndices, refetches);
            if (!found.shortOfTopK() || fetch >= deepest) {
                return found;
            }
            fetch = Math.min(deepest, 2 * fetch);
            refetches++;
        }
    }

    private int firstFetch(int topK, long[] seenIndices) {
        return Math.min(Math.min(maxCandidates, vectors.rows()), topK + seenIndices.length);
    }

    /** The head's best {@code fetch} (scanned before, or now when that was not deep enough), then the graphs after it. */
    private int[] searchAfterHead(float[] query, int fetch, HeadScanner.Hits scanned) {
        int fromHead = Math.min(fetch, head.size());
        HeadScanner.Hits hits = scanned != null && scanned.rows().length >= fromHead ? scanned
                : scanner.scan(new float[][] {query}, fromHead)[0];
        double norm = norm(query);
        int[] seedDocs = new int[fromHead];
        float[] seedKeys = new float[fromHead];
        for (int i = 0; i < fromHead; i++) {
            seedDocs[i] = head.doc(hits.rows()[i]);
            seedKeys[i] = norm == 0 ? 0f : (float) (hits.scores()[i] / norm); // the graphs' key: q.x / |q|
        }
        if (!walkGraphs) {
            return seedDocs;
        }
        return index.search(query, fetch, Math.max(ef, fetch), depth, head.firstTailBand(), seedDocs, seedKeys,
                exactKey(query, norm), head.tailBound());
    }

    /** The bands are merged by q.x / |q| from the float vectors, whatever the graph's (int8 or float32) score. */
    private IntToDoubleFunction exactKey(float[] query, double norm) {
        return doc -> norm == 0 ? 0.0 : vectors.innerProduct(query, doc) / norm;
    }

    private static double norm(float[] query) {
        double squared = 0;
        for (float v : query) {
            squared += (double) v * v;
        }
        return Math.sqrt(squared);
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
