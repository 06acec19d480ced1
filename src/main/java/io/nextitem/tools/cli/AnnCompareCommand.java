package io.nextitem.tools.cli;

import io.nextitem.tools.ann.AnnComparison;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The measurement behind the choice of approximate-search library (docs/ann-search.md). */
@Command(name = "ann-compare", mixinStandardHelpOptions = true,
        description = "Compare approximate nearest-neighbour libraries (Lucene HNSW float32/int8, JVector) on seeded "
                + "clustered vectors: build time, bytes per item, query latency and recall@k against exact "
                + "inner-product search, over a sweep of the search beam; write the figures as JSON.")
final class AnnCompareCommand implements Callable<Integer> {
    @Option(names = "--items", defaultValue = "100000", description = "Catalogue size. Default: ${DEFAULT-VALUE}.")
    int items;

    @Option(names = "--dim", defaultValue = "64", description = "Vector dimensions. Default: ${DEFAULT-VALUE}.")
    int dim;

    @Option(names = "--clusters", defaultValue = "0", description = "Mixture components (0: items / 100). Default: ${DEFAULT-VALUE}.")
    int clusters;

    @Option(names = "--queries", defaultValue = "1000", description = "Queries timed and scored per point. Default: ${DEFAULT-VALUE}.")
    int queries;

    @Option(names = "--k", defaultValue = "10", description = "Recall@k against the exact top k. Default: ${DEFAULT-VALUE}.")
    int k;

    @Option(names = "--ef", split = ",", defaultValue = "10,20,40,80,160,320", description = "Search beams swept. Default: ${DEFAULT-VALUE}.")
    int[] efs;

    @Option(names = "--max-conn", defaultValue = "16", description = "HNSW M. Default: ${DEFAULT-VALUE}.")
    int maxConn;

    @Option(names = "--beam-width", defaultValue = "100", description = "Construction beam. Default: ${DEFAULT-VALUE}.")
    int beamWidth;

    @Option(names = "--libraries", split = ",", defaultValue = "lucene-float32,lucene-int8,jvector",
            description = "Of lucene-float32 and lucene-int8 (norm bands on the unit sphere, as the index command builds), "
                    + "lucene-float32-one-band (one graph on the sphere), lucene-float32-full-depth (every band searched "
                    + "ef deep), "
                    + "lucene-float32-raw-mip (Lucene's maximum inner product over the raw vectors) and jvector "
                    + "(dot product, raw vectors). Default: ${DEFAULT-VALUE}.")
    List<String> libraries;

    @Option(names = "--item-vectors", description = "A version's item_vectors.npy to index instead of seeded vectors "
            + "(e.g. a trained catalogue's); --items, --dim and --clusters are then read from it or ignored.")
    Path itemVectors;

    @Option(names = "--query-vectors", description = "Query vectors (.npy, float32, (Q, D)) to search with, e.g. "
            + "query.onnx's outputs on real sequences; needs --item-vectors. Default: seeded queries.")
    Path queryVectors;

    @Option(names = "--seed", defaultValue = "20261206", description = "Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--out", description = "Result JSON file (default: print only).")
    Path out;

    @Option(names = "--table", description = "Print the Markdown table of an existing result file (as docs/ann-search.md shows it) and exit.")
    Path table;

    @Option(names = "--note", defaultValue = "", description = "Free text for the result, e.g. what else ran on the machine.")
    String note;

    @Override
    public Integer call() throws Exception {
        if (table != null) {
            System.out.print(io.nextitem.tools.ann.AnnComparisonTable.markdown(table));
            return 0;
        }
        if (queryVectors != null && itemVectors == null) {
            throw new IllegalArgumentException("--query-vectors needs --item-vectors (the same model's items)");
        }
        if (itemVectors != null) {
            io.nextitem.ann.NpyFloatMatrix file = io.nextitem.ann.NpyFloatMatrix.open(itemVectors);
            items = file.rows();
            dim = file.dim();
        }
        if (items < 2 || dim < 1 || queries < 1 || k < 1 || k > items || efs.length == 0) {
            throw new IllegalArgumentException("--items must be at least 2, --dim, --queries and --k at least 1, "
                    + "--k at most --items, and --ef must list at least one beam");
        }
        Path work = Files.createTempDirectory("ann-compare");
        try {
            AnnComparison.Config config = new AnnComparison.Config(items, dim, clusters > 0 ? clusters : Math.max(1, items / 100),
                    queries, k, efs, maxConn, beamWidth, seed, libraries, itemVectors, queryVectors);
            AnnComparison.run(config, work, out, note);
            System.out.println(out == null ? "done" : "wrote " + out);
        } finally {
            try (var paths = Files.walk(work)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return 0;
    }
}
