package io.nextitem.tools.ann;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.nextitem.ann.HnswParameters;
import io.nextitem.ann.LuceneItemIndex;
import io.nextitem.ann.NpyFloatMatrix;
import io.nextitem.tools.bench.MachineFacts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Lucene HNSW (float32, int8) against JVector on the same seeded clustered vectors: build time,
 * bytes per item, query latency and recall@k against the exact inner-product top k, over a
 * sweep of the search beam (ef). The exact search is timed too, as the baseline a speed-up is
 * measured against. Queries run one at a time on one thread, as the job's scoring thread runs them.
 */
public final class AnnComparison {
    private static final LuceneItemIndex.Space UNIT_SPHERE = LuceneItemIndex.Space.UNIT_SPHERE;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public record Config(int items, int dim, int clusters, int queries, int k, int[] efs, int maxConn,
                         int beamWidth, long seed, List<String> libraries, Path itemVectors, Path queryVectors) {
        /** Seeded vectors, no files. */
        public Config(int items, int dim, int clusters, int queries, int k, int[] efs, int maxConn, int beamWidth,
                      long seed, List<String> libraries) {
            this(items, dim, clusters, queries, k, efs, maxConn, beamWidth, seed, libraries, null, null);
        }
    }

    private AnnComparison() {}

    public static Map<String, Object> run(Config config, Path workDir, Path out, String note) throws IOException {
        String commit = MachineFacts.commit(); // at the start: the checkout may change while the comparison runs
        float[][] items;
        if (config.itemVectors() != null) {
            log("reading the item vectors of " + config.itemVectors().getFileName());
            items = rows(NpyFloatMatrix.open(config.itemVectors()), Integer.MAX_VALUE);
        } else {
            log("generating " + config.items() + " items of " + config.dim() + " dimensions in " + config.clusters()
                    + " clusters (seed " + config.seed() + ")");
            items = ClusteredItemVectors.items(config.items(), config.dim(), config.clusters(), config.seed());
        }
        float[][] queries;
        if (config.queryVectors() != null) {
            NpyFloatMatrix file = NpyFloatMatrix.open(config.queryVectors());
            if (file.dim() != items[0].length) {
                throw new IllegalArgumentException("the query vectors have " + file.dim() + " dimensions, the items "
                        + items[0].length);
            }
            queries = rows(file, config.queries());
        } else {
            queries = ClusteredItemVectors.queries(config.queries(), items[0].length, config.clusters(), config.seed());
        }
        Path vectorsFile = workDir.resolve("item_vectors.npy");
        NpyFloatMatrix.write(vectorsFile, items);

        log("exact top-" + config.k() + " of " + config.queries() + " queries");
        int[][] exact = new int[queries.length][];
        long exactStart = System.nanoTime();
        for (int q = 0; q < queries.length; q++) {
            exact[q] = exactTopK(items, queries[q], config.k());
        }
        double exactMicros = (System.nanoTime() - exactStart) / 1e3 / queries.length;

        List<Map<String, Object>> results = new ArrayList<>();
        for (String library : config.libraries()) {
            try (AnnCandidate candidate = candidate(library, config)) {
                results.add(measure(candidate, vectorsFile, items, queries, exact, config, workDir.resolve(library)));
            }
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("benchmark", "ann-compare");
        report.put("commit", commit);
        report.put("measured_at", Instant.now().toString());
        report.put("machine", MachineFacts.describe());
        report.put("note", note);
        Map<String, Object> configOut = new LinkedHashMap<>();
        configOut.put("items", config.items());
        configOut.put("dim", config.dim());
        configOut.put("clusters", config.clusters());
        configOut.put("queries", config.queries());
        configOut.put("k", config.k());
        configOut.put("ef", config.efs());
        configOut.put("max_conn", config.maxConn());
        configOut.put("beam_width", config.beamWidth());
        configOut.put("seed", config.seed());
        configOut.put("vectors", config.itemVectors() == null
                ? "Gaussian mixture, item norms log-normal (sigma 0.35); queries near the same centres"
                : "item vectors " + config.itemVectors().getFileName() + ", queries "
                        + (config.queryVectors() == null ? "seeded near mixture centres" : config.queryVectors().getFileName()));
        report.put("config", configOut);
        report.put("exact", Map.of("mean_query_micros", round(exactMicros),
                "note", "brute-force inner product over all items, one thread"));
        report.put("libraries", results);
        String json = JSON.writeValueAsString(report);
        if (out != null) {
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, json + "\n");
        }
        return report;
    }

    private static AnnCandidate candidate(String library, Config config) {
        return switch (library) {
            case "lucene-float32" -> new LuceneCandidate(new HnswParameters(config.maxConn(), config.beamWidth(), false), UNIT_SPHERE);
            case "lucene-float32-one-band" -> new LuceneCandidate(new HnswParameters(config.maxConn(), config.beamWidth(), false, 1),
                    UNIT_SPHERE);
            case "lucene-float32-full-depth" -> new LuceneCandidate(new HnswParameters(config.maxConn(), config.beamWidth(), false),
                    UNIT_SPHERE, LuceneItemIndex.BandDepth.FULL);
            case "lucene-float32-raw-mip" -> new LuceneCandidate(new HnswParameters(config.maxConn(), config.beamWidth(), false),
                    LuceneItemIndex.Space.RAW_INNER_PRODUCT);
            case "lucene-int8" -> new LuceneCandidate(new HnswParameters(config.maxConn(), config.beamWidth(), true), UNIT_SPHERE);
            // JVector's degree bound counts all neighbours; Lucene's M is doubled on its base layer
            case "jvector" -> new JVectorCandidate(2 * config.maxConn(), config.beamWidth());
            default -> throw new IllegalArgumentException("unknown library " + library
                    + " (lucene-float32, lucene-float32-one-band, lucene-float32-full-depth, lucene-float32-raw-mip, "
                    + "lucene-int8, jvector)");
        };
    }

    private static Map<String, Object> measure(AnnCandidate candidate, Path vectorsFile, float[][] items,
                                               float[][] queries, int[][] exact, Config config, Path folder)
            throws IOException {
        log("building " + candidate.name());
        long start = System.nanoTime();
        candidate.build(vectorsFile, items, folder);
        double buildSeconds = (System.nanoTime() - start) / 1e9;
        long diskBytes;
        try (Stream<Path> files = Files.walk(folder)) {
            diskBytes = files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
        log(candidate.name() + " built in " + round(buildSeconds) + " s");
        // warm up the JIT and the page cache on a slice of the queries
        for (int q = 0; q < queries.length; q++) {
            candidate.search(queries[q], config.k(), config.efs()[config.efs().length - 1]);
        }
        List<Map<String, Object>> sweep = new ArrayList<>();
        for (int ef : config.efs()) {
            long[] nanos = new long[queries.length];
            double hits = 0;
            for (int q = 0; q < queries.length; q++) {
                long t = System.nanoTime();
                int[] found = candidate.search(queries[q], config.k(), ef);
                nanos[q] = System.nanoTime() - t;
                hits += overlap(found, exact[q]);
            }
            Arrays.sort(nanos);
            Map<String, Object> point = new LinkedHashMap<>();
            point.put("ef", ef);
            point.put("recall_at_k", round(hits / ((double) queries.length * config.k())));
            point.put("mean_query_micros", round(Arrays.stream(nanos).average().orElse(0) / 1e3));
            point.put("p99_query_micros", round(nanos[(int) (0.99 * (nanos.length - 1))] / 1e3));
            sweep.add(point);
            log(candidate.name() + " ef " + ef + ": " + point);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("library", candidate.name());
        result.put("build_seconds", round(buildSeconds));
        result.put("disk_bytes_per_item", round((double) diskBytes / items.length));
        result.put("heap_bytes_per_item", round((double) candidate.heapBytes() / items.length));
        result.put("searched_file_bytes_per_item", round((double) candidate.searchedFileBytes() / items.length));
        result.put("sweep", sweep);
        return result;
    }

    /** The first {@code limit} rows of a file, as arrays. */
    private static float[][] rows(NpyFloatMatrix file, int limit) {
        float[][] out = new float[Math.min(limit, file.rows())][];
        for (int r = 0; r < out.length; r++) {
            out[r] = file.row(r);
        }
        return out;
    }

    /** The exact top k by inner product, kept by insertion into a sorted array of k (k is small). */
    static int[] exactTopK(float[][] items, float[] query, int k) {
        int[] best = new int[k];
        float[] bestScores = new float[k];
        Arrays.fill(bestScores, Float.NEGATIVE_INFINITY);
        for (int i = 0; i < items.length; i++) {
            float sum = 0f;
            float[] item = items[i];
            for (int d = 0; d < item.length; d++) {
                sum += query[d] * item[d];
            }
            if (sum > bestScores[k - 1]) {
                int at = k - 1;
                while (at > 0 && bestScores[at - 1] < sum) {
                    bestScores[at] = bestScores[at - 1];
                    best[at] = best[at - 1];
                    at--;
                }
                bestScores[at] = sum;
                best[at] = i;
            }
        }
        return best;
    }

    private static int overlap(int[] found, int[] exact) {
        int hits = 0;
        for (int f : found) {
            for (int e : exact) {
                if (f == e) {
                    hits++;
                    break;
                }
            }
        }
        return hits;
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }

    private static void log(String line) {
        System.err.println("[ann-compare] " + line);
    }
}
