package io.nextitem.inference;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.nextitem.ann.HeadScanner;
import io.nextitem.ann.NormHead;
import io.nextitem.model.ModelLoadException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * Scores a {@link NormHead}'s rows exactly for a batch of queries in ONNX Runtime: the shipped
 * graph {@value #GRAPH} (Gemm against the rows, then TopK; written by the trainer's
 * {@code top-k-graph}), fed the head's direct buffer as a tensor made once, so no row is copied
 * per batch. Runs on the CPU provider: on CUDA the rows would cross to the GPU at every batch
 * (serve exactly there instead). Thread-safe, as ONNX Runtime sessions are.
 */
public final class ExactHeadScan implements HeadScanner, AutoCloseable {
    static final String GRAPH = "/nextitem/ann/inner_product_top_k.onnx";

    private final OrtEnvironment env = OnnxNativeLibraries.environment();
    private final NormHead head;
    private final OrtSession session;
    private final OnnxTensor rows;

    public ExactHeadScan(NormHead head, int intraOpThreads, String label) {
        this.head = head;
        byte[] graph;
        try (InputStream in = ExactHeadScan.class.getResourceAsStream(GRAPH)) {
            if (in == null) {
                throw new ModelLoadException(label + ": the job jar lacks " + GRAPH);
            }
            graph = in.readAllBytes();
        } catch (IOException e) {
            throw new ModelLoadException(label + ": cannot read " + GRAPH + ": " + e.getMessage(), e);
        }
        this.session = OnnxSessionFactory.create(graph, "cpu", intraOpThreads,
                label + " exact scan of the " + head.size() + " longest items").session();
        try {
            this.rows = OnnxTensor.createTensor(env, head.rows(), new long[] {head.size(), head.dim()});
        } catch (OrtException e) {
            closeSession();
            throw new ModelLoadException(label + ": cannot hold the longest items as a tensor: " + e.getMessage(), e);
        }
    }

    @Override
    public Hits[] scan(float[][] queries, int k) {
        int kept = Math.min(k, head.size());
        try (OnnxTensor q = OnnxTensor.createTensor(env, queries);
             OnnxTensor depth = OnnxTensor.createTensor(env, new long[] {kept});
             OrtSession.Result result = session.run(Map.of("queries", q, "items", rows, "k", depth))) {
            float[][] scores = (float[][]) result.get("scores").orElseThrow().getValue();
            long[][] indices = (long[][]) result.get("indices").orElseThrow().getValue();
            Hits[] hits = new Hits[queries.length];
            for (int row = 0; row < queries.length; row++) {
                int[] at = new int[kept];
                for (int i = 0; i < kept; i++) {
                    at[i] = (int) indices[row][i];
                }
                hits[row] = new Hits(at, scores[row]);
            }
            return hits;
        } catch (OrtException e) {
            throw new IllegalStateException("the exact scan of the longest items failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        rows.close();
        closeSession();
    }

    private void closeSession() {
        try {
            session.close();
        } catch (OrtException e) {
            // Closing a session only frees native memory; nothing left to recover.
        }
    }
}
