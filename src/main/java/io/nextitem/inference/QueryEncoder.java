package io.nextitem.inference;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.nextitem.model.ModelLoadException;
import io.nextitem.model.ModelVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * A version's query.onnx (the retrieval form) in an ONNX Runtime session, through the same
 * session factory as model.onnx (CUDA when it loads, else CPU): the user's query vector, whose
 * inner product with an item's row of item_vectors.npy is the model's score of that item.
 * Checks at load that it reads exactly model.onnx's inputs and outputs {@code query} float32 [B, D].
 */
public final class QueryEncoder implements AutoCloseable {
    static final String QUERY = "query";

    private final OrtEnvironment env = OnnxNativeLibraries.environment();
    private final OrtSession session;
    private final ExecutionProvider provider;
    private final String label;
    private final Set<String> inputNames;

    public QueryEncoder(ModelVersion version, String providerPreference, int cudaDeviceId, int intraOpThreads) {
        this.label = version.name() + " " + version.version() + " query graph";
        byte[] graph;
        try {
            graph = Files.readAllBytes(version.folder().resolve(version.manifest().retrieval().queryGraph()));
        } catch (IOException e) {
            throw new ModelLoadException(label + ": cannot read " + version.manifest().retrieval().queryGraph()
                    + ": " + e.getMessage(), e);
        }
        OnnxSessionFactory.ProvidedSession provided =
                OnnxSessionFactory.create(graph, providerPreference, cudaDeviceId, intraOpThreads, label);
        this.session = provided.session();
        this.provider = provided.provider();
        try {
            checkSignature(version);
            this.inputNames = Set.copyOf(session.getInputNames());
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private void checkSignature(ModelVersion version) {
        try {
            Set<String> graphInputs = ManifestInputs.require(session, version, label, "query.onnx");
            Map<String, NodeInfo> outputs = session.getOutputInfo();
            NodeInfo info = outputs.get(QUERY);
            if (info == null || !(info.getInfo() instanceof TensorInfo tensor)
                    || tensor.type != OnnxJavaType.FLOAT || tensor.getShape().length != 2) {
                throw new ModelLoadException(label + ": query.onnx outputs " + outputs.keySet()
                        + ", the contract needs query float32 [B, D]");
            }
            long dim = tensor.getShape()[1];
            if (dim > 0 && dim != version.manifest().retrieval().dim()) {
                throw new ModelLoadException(label + ": query has " + dim + " dimensions but retrieval.dim is "
                        + version.manifest().retrieval().dim());
            }
        } catch (OrtException e) {
            throw new ModelLoadException(label + ": cannot read the graph signature: " + e.getMessage(), e);
        }
    }

    /** One query vector per row of the batch. */
    public float[][] encode(EncoderInputs inputs) throws OrtException {
        Map<String, OnnxTensor> feeds = new HashMap<>();
        try {
            for (String name : inputNames) {
                feeds.put(name, OnnxEncoder.tensorFor(env, name, inputs, label));
            }
            try (OrtSession.Result result = session.run(feeds)) {
                return (float[][]) result.get(QUERY).orElseThrow().getValue();
            }
        } finally {
            feeds.values().forEach(OnnxTensor::close);
        }
    }

    public ExecutionProvider provider() {
        return provider;
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            // Closing a session only frees native memory; nothing left to recover.
        }
    }
}
