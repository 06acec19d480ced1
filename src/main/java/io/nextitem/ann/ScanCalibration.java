package io.nextitem.ann;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * How much of a version's exact top-k its longest items hold, measured on the version's own
 * queries when the index is built ({@code index --queries}): the recall@k that an exact scan of
 * the h longest items alone (no graph walked) would give, for a grid of h, and the smallest h
 * that reaches {@code targetRecall}. Why: a trained catalogue keeps most of every list among its
 * longest items, but how much is a property of the catalogue and its model, not of the code; with
 * this measurement beside the index, {@code model.search-graphs=auto} can skip the graph walks
 * (several times faster at 10^6 items) exactly for the versions where the scan alone has been
 * shown to be enough, and walk them for every other.
 *
 * <p>The scan of the h longest items finds an item of the exact top-k if and only if the item is
 * among them (it is then also among the best k of the scan), so the recall of a scan of h items is
 * the share of exact top-k items whose norm rank is below h: one exact search per query gives the
 * whole curve. The seen items a served list leaves out are not known here, so the exact top-k is
 * over every item; {@code targetRecall} should keep a margin above what the lists must reach.
 *
 * @param queries          how many query vectors it was measured on
 * @param k                the list length recall is taken at
 * @param targetRecall     the recall the scan size was chosen for
 * @param maxScanItems     the largest scan it could choose: beyond it, walking the graphs is cheaper
 * @param scanItems        the smallest scan (a multiple of 1,000, or the catalogue) reaching targetRecall; null when
 *                         more than maxScanItems would be needed
 * @param recallByScanItems recall@k of a scan of the h longest items alone, by h, ascending
 * @param seconds          how long the exact searches took
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ScanCalibration(
        @JsonProperty("queries") int queries,
        @JsonProperty("k") int k,
        @JsonProperty("target_recall") double targetRecall,
        @JsonProperty("max_scan_items") int maxScanItems,
        @JsonProperty("scan_items") Integer scanItems,
        @JsonProperty("recall_by_scan_items") Map<Integer, Double> recallByScanItems,
        @JsonProperty("seconds") double seconds) {

    /** Default target: 0.97 leaves a margin over the 0.95 the scaling acceptance asks of served lists. */
    public static final double DEFAULT_TARGET_RECALL = 0.97;
    /**
     * A scan may take at most this share of the catalogue. Measured at 10^6 items (docs/scaling.md):
     * the scan alone serves about 6.6 x 10^8 / (items scanned) clicks per second (150,000: 4,293;
     * 200,000: 3,361) against 1,287 for the scan of 100,000 plus graph walks, so it stops paying
     * near half the catalogue; 0.4 keeps a margin.
     */
    public static final double DEFAULT_MAX_SCAN_SHARE = 0.4;
    private static final int SCAN_STEP_ITEMS = 1_000;
    /** Queries per parallel task (and per progress report). */
    private static final int QUERY_BLOCK = 32;
    private static final int[] GRID = {1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 150_000, 200_000,
            300_000, 500_000, 1_000_000, 2_000_000, 5_000_000, 10_000_000};

    /**
     * Exact top-k of every query over every item (in parallel over queries), then the norm ranks of
     * what they found.
     *
     * @param queries  (Q, dim) query vectors of the version's query graph
     * @param progress told the number of queries searched so far, now and then
     */
    public static ScanCalibration measure(NpyFloatMatrix vectors, float[][] queries, int k, double targetRecall,
                                          int maxScanItems, IntConsumer progress) {
        if (queries.length == 0) {
            throw new IllegalArgumentException("no query vectors to calibrate with");
        }
        if (k < 1 || targetRecall <= 0 || targetRecall > 1) {
            throw new IllegalArgumentException("k must be at least 1 and the target recall in (0, 1], are " + k
                    + " and " + targetRecall);
        }
        for (float[] query : queries) {
            if (query.length != vectors.dim()) {
                throw new IllegalArgumentException("query vectors have " + query.length + " dimensions, the items "
                        + vectors.dim());
            }
        }
        long start = System.nanoTime();
        int[] normRank = normRanks(vectors);
        int perQuery = Math.min(k, vectors.rows());
        int[] ranks = new int[queries.length * perQuery];
        int blocks = (queries.length + QUERY_BLOCK - 1) / QUERY_BLOCK;
        AtomicInteger done = new AtomicInteger();
        IntStream.range(0, blocks).parallel().forEach(block -> {
            int from = block * QUERY_BLOCK;
            int to = Math.min(queries.length, from + QUERY_BLOCK);
            int[][] tops = exactTops(vectors, Arrays.copyOfRange(queries, from, to), perQuery);
            for (int q = from; q < to; q++) {
                for (int i = 0; i < perQuery; i++) {
                    ranks[q * perQuery + i] = normRank[tops[q - from][i]];
                }
            }
            progress.accept(done.addAndGet(to - from));
        });
        Arrays.sort(ranks);
        Map<Integer, Double> curve = new LinkedHashMap<>();
        for (int h : GRID) {
            if (h < vectors.rows()) {
                curve.put(h, round4(recallOfScan(ranks, h)));
            }
        }
        curve.put(vectors.rows(), 1.0);
        // the smallest h holding ceil(target * all) of the found items: one more than the rank of the last one needed
        int needed = (int) Math.ceil(targetRecall * ranks.length - 1e-9);
        int smallest = ranks[Math.max(0, needed - 1)] + 1;
        int stepped = Math.min(vectors.rows(), (smallest + SCAN_STEP_ITEMS - 1) / SCAN_STEP_ITEMS * SCAN_STEP_ITEMS);
        Integer scanItems = stepped <= maxScanItems ? stepped : null;
        return new ScanCalibration(queries.length, k, targetRecall, maxScanItems, scanItems, curve,
                Math.round((System.nanoTime() - start) / 1e6) / 1000.0);
    }

    /**
     * What {@code index --queries} asks for.
     *
     * @param queryVectors (Q, dim) float32 .npy of the version's query graph on held-out click prefixes
     *                     ({@code trainer query-vectors})
     * @param maxScanItems null: {@link #defaultMaxScanItems}
     */
    public record Request(Path queryVectors, int k, double targetRecall, Integer maxScanItems) {
        /** The queries, checked against the items' dimension: read before the index is built, so a bad file fails fast. */
        float[][] read(int dim) {
            NpyFloatMatrix queryMatrix = NpyFloatMatrix.open(queryVectors);
            if (queryMatrix.dim() != dim) {
                throw new IllegalArgumentException(queryVectors + " holds " + queryMatrix.dim()
                        + "-dimensional queries, the version's item vectors are " + dim + "-dimensional");
            }
            float[][] queries = new float[queryMatrix.rows()][];
            for (int q = 0; q < queries.length; q++) {
                queries[q] = queryMatrix.row(q);
            }
            return queries;
        }

        /** Measures on {@code queries} (from {@link #read}) and reports what it found. */
        ScanCalibration measure(NpyFloatMatrix vectors, float[][] queries, Consumer<String> progress) {
            int cap = maxScanItems == null ? defaultMaxScanItems(vectors.rows()) : maxScanItems;
            progress.accept("calibrating the exact scan: exact top-" + k + " of " + queries.length + " queries over "
                    + vectors.rows() + " items");
            int step = Math.max(QUERY_BLOCK, queries.length / 10 / QUERY_BLOCK * QUERY_BLOCK);
            ScanCalibration calibration = ScanCalibration.measure(vectors, queries, k, targetRecall, cap, done -> {
                if (done % step == 0 || done == queries.length) {
                    progress.accept("searched " + done + " / " + queries.length + " queries");
                }
            });
            progress.accept("scan alone, recall@" + k + " by items scanned: " + calibration.recallByScanItems()
                    + "; " + (calibration.scanItems() == null
                    ? "more than " + cap + " needed for " + targetRecall + ": the graphs stay walked"
                    : calibration.scanItems() + " reach " + targetRecall) + " (" + calibration.seconds() + " s)");
            return calibration;
        }
    }

    /** The default cap: {@link #DEFAULT_MAX_SCAN_SHARE} of the catalogue, at least one scan step. */
    public static int defaultMaxScanItems(int numItems) {
        return Math.max(SCAN_STEP_ITEMS, (int) (numItems * DEFAULT_MAX_SCAN_SHARE));
    }

    /** Share of the found items (their norm ranks, sorted) a scan of the h longest items holds. */
    private static double recallOfScan(int[] sortedRanks, int h) {
        int inside = Arrays.binarySearch(sortedRanks, h);
        if (inside < 0) {
            inside = -inside - 1;
        } else {
            while (inside > 0 && sortedRanks[inside - 1] == h) {
                inside--;
            }
        }
        return (double) inside / sortedRanks.length;
    }

    /** Each document's place when items are ordered longest first, ties by document: {@link NormHead}'s order. */
    static int[] normRanks(NpyFloatMatrix vectors) {
        float[] norms = NormBands.norms(vectors);
        Integer[] byNorm = IntStream.range(0, norms.length).boxed().toArray(Integer[]::new);
        Arrays.sort(byNorm, Comparator.<Integer>comparingDouble(doc -> -norms[doc]).thenComparingInt(doc -> doc));
        int[] rank = new int[norms.length];
        for (int r = 0; r < byNorm.length; r++) {
            rank[byNorm[r]] = r;
        }
        return rank;
    }

    /** The k best documents of each query: {@link ExactItemSearch#topK}, the served lists' order (ties by item). */
    static int[][] exactTops(NpyFloatMatrix vectors, float[][] queries, int k) {
        int[][] tops = new int[queries.length][];
        for (int q = 0; q < queries.length; q++) {
            long[] items = ExactItemSearch.topK(vectors, queries[q], k).itemIndices();
            tops[q] = new int[items.length];
            for (int i = 0; i < items.length; i++) {
                tops[q][i] = (int) (items[i] - 1); // item index -> document
            }
        }
        return tops;
    }

    private static double round4(double value) {
        return Math.round(value * 10_000) / 10_000.0;
    }
}
