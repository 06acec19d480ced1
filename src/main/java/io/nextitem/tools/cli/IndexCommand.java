package io.nextitem.tools.cli;

import io.nextitem.ann.AnnIndexDescription;
import io.nextitem.ann.HnswParameters;
import io.nextitem.ann.ScanCalibration;
import io.nextitem.ann.VersionIndexer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Builds a version's approximate-search index before the version is published (docs/ann-search.md). */
@Command(name = "index", mixinStandardHelpOptions = true,
        description = "Build the approximate-search index (HNSW, Lucene) of a model version's item_vectors.npy into "
                + "VERSION_DIR/ann/ and record it in manifest.json. Run it before the version is published in a "
                + "registry a job watches: the manifest is rewritten in place.")
final class IndexCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "VERSION_DIR", description = "Model version folder with a retrieval form.")
    Path versionDir;

    @Option(names = "--max-conn", defaultValue = "" + HnswParameters.DEFAULT_MAX_CONN, description = "HNSW neighbours per node (M). Default: ${DEFAULT-VALUE}.")
    int maxConn;

    @Option(names = "--beam-width", defaultValue = "" + HnswParameters.DEFAULT_BEAM_WIDTH, description = "HNSW construction beam (efConstruction). Default: ${DEFAULT-VALUE}.")
    int beamWidth;

    @Option(names = "--int8", description = "Search int8-quantised vectors (smaller in memory; candidates are re-scored exactly).")
    boolean int8;

    @Option(names = "--norm-bands", defaultValue = "" + HnswParameters.DEFAULT_NORM_BANDS, description = "Norm bands, one graph each, "
            + "each band's items at least half as long as its longest (the last holds the rest); 1 for one graph. Default: ${DEFAULT-VALUE}.")
    int normBands;

    @Option(names = "--queries", paramLabel = "QUERIES.npy", description = "The version's query vectors (float32, "
            + "(Q, D), e.g. `trainer query-vectors` on held-out users): measures how much of their exact top-k the longest "
            + "items hold and records it in ann/index.json, so model.search-graphs=auto can answer from the exact scan "
            + "alone where that is shown to be enough. Without it the graphs are always walked.")
    Path queries;

    @Option(names = "--target-recall", defaultValue = "" + ScanCalibration.DEFAULT_TARGET_RECALL,
            description = "With --queries: the recall@k the scan alone must reach on them. Default: ${DEFAULT-VALUE}.")
    double targetRecall;

    @Option(names = "--recall-k", defaultValue = "10", description = "With --queries: k of recall@k. Default: ${DEFAULT-VALUE}.")
    int recallK;

    @Option(names = "--max-scan-items", description = "With --queries: the largest scan it may choose "
            + "(default: 0.4 of the catalogue; near half of it the scan alone stops paying against graph walks).")
    Integer maxScanItems;

    @Option(names = "--calibrate-only", description = "With --queries: measure and record the calibration of the "
            + "index already built, without building the graphs again.")
    boolean calibrateOnly;

    @Override
    public Integer call() throws Exception {
        ScanCalibration.Request calibrate = queries == null ? null
                : new ScanCalibration.Request(queries, recallK, targetRecall, maxScanItems);
        if (calibrateOnly) {
            if (calibrate == null) {
                throw new IllegalArgumentException("--calibrate-only needs --queries");
            }
            AnnIndexDescription description = VersionIndexer.calibrate(versionDir, calibrate,
                    line -> System.err.println("[index] " + line));
            System.out.println("calibrated: " + (description.scanCalibration().scanItems() == null
                    ? "the graphs stay walked" : "a scan of " + description.scanCalibration().scanItems() + " items alone"));
            return 0;
        }
        AnnIndexDescription description = VersionIndexer.index(versionDir, new HnswParameters(maxConn, beamWidth, int8, normBands),
                calibrate, line -> System.err.println("[index] " + line));
        System.out.println(description.numItems() + " items indexed in " + description.buildSeconds() + " s, "
                + description.bytes() + " bytes");
        return 0;
    }
}
