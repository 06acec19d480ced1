package io.nextitem.tools.ann;

import io.github.jbellis.jvector.graph.GraphIndexBuilder;
import io.github.jbellis.jvector.graph.GraphSearcher;
import io.github.jbellis.jvector.graph.ListRandomAccessVectorValues;
import io.github.jbellis.jvector.graph.OnHeapGraphIndex;
import io.github.jbellis.jvector.graph.SearchResult;
import io.github.jbellis.jvector.graph.disk.OnDiskGraphIndex;
import io.github.jbellis.jvector.graph.similarity.BuildScoreProvider;
import io.github.jbellis.jvector.graph.similarity.SearchScoreProvider;
import io.github.jbellis.jvector.util.Bits;
import io.github.jbellis.jvector.vector.VectorSimilarityFunction;
import io.github.jbellis.jvector.vector.VectorizationProvider;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import io.github.jbellis.jvector.vector.types.VectorTypeSupport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** JVector's graph (DiskANN/Vamana style) on the heap, with dot-product similarity. */
final class JVectorCandidate implements AnnCandidate {
    private static final VectorTypeSupport VECTORS = VectorizationProvider.getInstance().getVectorTypeSupport();

    private final int maxDegree;
    private final int beamWidth;
    private ListRandomAccessVectorValues ravv;
    private OnHeapGraphIndex graph;
    private final ThreadLocal<GraphSearcher> searchers = new ThreadLocal<>();

    JVectorCandidate(int maxDegree, int beamWidth) {
        this.maxDegree = maxDegree;
        this.beamWidth = beamWidth;
    }

    @Override
    public String name() {
        return "jvector";
    }

    @Override
    public void build(Path vectorsFile, float[][] items, Path folder) throws IOException {
        List<VectorFloat<?>> list = new ArrayList<>(items.length);
        for (float[] item : items) {
            list.add(VECTORS.createFloatVector(item));
        }
        ravv = new ListRandomAccessVectorValues(list, items[0].length);
        BuildScoreProvider scores = BuildScoreProvider.randomAccessScoreProvider(ravv, VectorSimilarityFunction.DOT_PRODUCT);
        try (GraphIndexBuilder builder = new GraphIndexBuilder(scores, ravv.dimension(), maxDegree, beamWidth, 1.2f, 1.2f)) {
            graph = builder.build(ravv);
        }
        Files.createDirectories(folder);
        OnDiskGraphIndex.write(graph, ravv, folder.resolve("graph.jvector"));
    }

    @Override
    public int[] search(float[] query, int k, int ef) {
        GraphSearcher searcher = searchers.get();
        if (searcher == null) {
            searcher = new GraphSearcher(graph);
            searchers.set(searcher);
        }
        SearchScoreProvider provider = SearchScoreProvider.exact(VECTORS.createFloatVector(query),
                VectorSimilarityFunction.DOT_PRODUCT, ravv);
        SearchResult result = searcher.search(provider, k, Math.max(k, ef), 0f, 0f, Bits.ALL);
        SearchResult.NodeScore[] nodes = result.getNodes();
        int[] out = new int[Math.min(k, nodes.length)];
        for (int i = 0; i < out.length; i++) {
            out[i] = nodes[i].node;
        }
        return out;
    }

    @Override
    public long heapBytes() {
        return graph.ramBytesUsed() + (long) ravv.size() * ravv.dimension() * Float.BYTES;
    }

    @Override
    public long searchedFileBytes() {
        return 0; // searched on the heap
    }

    @Override
    public void close() {
        graph = null;
        ravv = null;
    }
}
