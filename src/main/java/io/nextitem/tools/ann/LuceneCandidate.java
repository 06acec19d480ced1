package io.nextitem.tools.ann;

import io.nextitem.ann.ApproximateItemSearch;
import io.nextitem.ann.HnswParameters;
import io.nextitem.ann.LuceneItemIndex;
import io.nextitem.ann.NpyFloatMatrix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Lucene's HNSW (float32 or int8-quantised), built and searched as the job does it (re-scored
 * exactly), on the unit sphere as the index command builds it or over the raw vectors.
 */
final class LuceneCandidate implements AnnCandidate {
    private static final long[] NO_SEEN = new long[0];

    private final HnswParameters parameters;
    private final LuceneItemIndex.Space space;
    private final LuceneItemIndex.BandDepth depth;
    private LuceneItemIndex index;
    private NpyFloatMatrix vectors;
    private Path folder;

    LuceneCandidate(HnswParameters parameters, LuceneItemIndex.Space space) {
        this(parameters, space, LuceneItemIndex.BandDepth.BY_SLACK);
    }

    LuceneCandidate(HnswParameters parameters, LuceneItemIndex.Space space, LuceneItemIndex.BandDepth depth) {
        this.parameters = parameters;
        this.space = space;
        this.depth = depth;
    }

    @Override
    public String name() {
        return "lucene-hnsw-" + (parameters.int8() ? "int8" : "float32")
                + (space == LuceneItemIndex.Space.RAW_INNER_PRODUCT ? "-raw-mip"
                        : parameters.normBands() == 1 ? "-one-band"
                        : depth == LuceneItemIndex.BandDepth.FULL ? "-full-depth" : "");
    }

    @Override
    public void build(Path vectorsFile, float[][] items, Path folder) throws IOException {
        this.folder = folder;
        vectors = NpyFloatMatrix.open(vectorsFile);
        LuceneItemIndex.build(vectors, parameters, space, folder, n -> { });
        index = LuceneItemIndex.open(folder, vectors.rows(), vectors.dim(), true);
    }

    @Override
    public int[] search(float[] query, int k, int ef) {
        // as the job searches: ef candidates, re-scored with the exact vectors, the best k kept
        long[] items = new ApproximateItemSearch(index, vectors, ef, ef, depth).search(query, k, NO_SEEN).itemIndices();
        int[] rows = new int[items.length];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = (int) items[i] - 1;
        }
        return rows;
    }

    @Override
    public long heapBytes() {
        return 0; // Lucene reads graph and vectors off-heap (mmap); its heap share is small and not exposed
    }

    @Override
    public long searchedFileBytes() {
        // graph (.vex) and the vectors the graph is searched over: .veq (int8) or .vec (float32)
        String vectors = parameters.int8() ? ".veq" : ".vec";
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.toString().endsWith(".vex") || f.toString().endsWith(vectors))
                    .mapToLong(f -> f.toFile().length()).sum();
        } catch (IOException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        index.close();
    }
}
