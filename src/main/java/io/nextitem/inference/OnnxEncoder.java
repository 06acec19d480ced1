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
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * A model version's ONNX graph in an ONNX Runtime session. Checks at load that the graph's
 * inputs and outputs match the contract (schemas/model/README.md) and the manifest, so a
 * mismatched file is refused before it serves anything.
 */
public final class OnnxEncoder implements AutoCloseable {
    static final String ITEM_SEQ = EncoderInputs.ITEM_SEQ;
    static final String TOP_ITEMS = "top_items";
    static final String TOP_SCORES = "top_scores";
    private static final Set<String> KNOWN_INPUTS = Set.of(ITEM_SEQ, EncoderInputs.TIME_SEQ, EncoderInputs.QUERY_TIME,
            EncoderInputs.CAT_SEQ, EncoderInputs.USER_IDX);

    private final OrtEnvironment env = OnnxNativeLibraries.environment();
    private final OrtSession session;
    private final ExecutionProvider provider;
    private final String label;
    private final Set<String> inputNames;

    public OnnxEncoder(ModelVersion version, String providerPreference, int intraOpThreads) {
        this(version, providerPreference, 0, intraOpThreads);
    }

    /** @param cudaDeviceId the GPU to run on when CUDA is tried (model.cuda-device-id) */
    public OnnxEncoder(ModelVersion version, String providerPreference, int cudaDeviceId, int intraOpThreads) {
        this.label = version.name() + " " + version.version();
        OnnxSessionFactory.ProvidedSession provided =
                OnnxSessionFactory.create(version.onnxModel(), providerPreference, cudaDeviceId, intraOpThreads, label);
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
            Set<String> graphInputs = ManifestInputs.require(session, version, label, "model.onnx");
            if (!KNOWN_INPUTS.containsAll(graphInputs) || !graphInputs.contains(ITEM_SEQ)) {
                throw new ModelLoadException(label + ": inputs " + graphInputs + " must include item_seq and only use "
                        + KNOWN_INPUTS);
            }
            for (Map.Entry<String, NodeInfo> input : session.getInputInfo().entrySet()) {
                requireType(input.getKey(), input.getValue(), OnnxJavaType.INT64);
            }
            Map<String, NodeInfo> outputs = session.getOutputInfo();
            if (!outputs.containsKey(TOP_ITEMS) || !outputs.containsKey(TOP_SCORES)) {
                throw new ModelLoadException(label + ": model.onnx outputs " + outputs.keySet()
                        + ", the contract needs top_items and top_scores");
            }
            requireType(TOP_ITEMS, outputs.get(TOP_ITEMS), OnnxJavaType.INT64);
            requireType(TOP_SCORES, outputs.get(TOP_SCORES), OnnxJavaType.FLOAT);
        } catch (OrtException e) {
            throw new ModelLoadException(label + ": cannot read the graph signature: " + e.getMessage(), e);
        }
    }

    private void requireType(String name, NodeInfo info, OnnxJavaType expected) {
        if (!(info.getInfo() instanceof TensorInfo tensor) || tensor.type != expected) {
            throw new ModelLoadException(label + ": " + name + " must be a " + expected + " tensor, is " + info.getInfo());
        }
    }

    /**
     * Runs the encoder on item sequences only.
     *
     * @param itemSeq (B, L) item indices, left-padded with 0
     */
    public TopItems score(long[][] itemSeq) throws OrtException {
        return score(EncoderInputs.ofItems(itemSeq));
    }

    /**
     * Runs the encoder on a batch holding every input the graph reads; extra inputs are ignored,
     * a missing one is an {@link IllegalArgumentException} naming it.
     */
    public TopItems score(EncoderInputs inputs) throws OrtException {
        Map<String, OnnxTensor> feeds = new HashMap<>();
        try {
            for (String name : inputNames) {
                feeds.put(name, tensorFor(name, inputs));
            }
            try (OrtSession.Result result = session.run(feeds)) {
                long[][] items = (long[][]) result.get(TOP_ITEMS).orElseThrow().getValue();
                float[][] scores = (float[][]) result.get(TOP_SCORES).orElseThrow().getValue();
                return new TopItems(items, scores);
            }
        } finally {
            feeds.values().forEach(OnnxTensor::close);
        }
    }

    private OnnxTensor tensorFor(String name, EncoderInputs inputs) throws OrtException {
        return tensorFor(env, name, inputs, label);
    }

    /** The tensor of one named input of a batch; shared with {@link QueryEncoder}, whose graph reads the same inputs. */
    static OnnxTensor tensorFor(OrtEnvironment env, String name, EncoderInputs inputs, String label) throws OrtException {
        int batch = inputs.batchSize();
        long[][] sequence = inputs.sequences().get(name);
        if (sequence != null) {
            int length = inputs.length();
            LongBuffer flat = LongBuffer.allocate(batch * length);
            for (long[] row : sequence) {
                flat.put(row);
            }
            flat.flip();
            return OnnxTensor.createTensor(env, flat, new long[] {batch, length});
        }
        long[] perRow = inputs.perRowValues().get(name);
        if (perRow != null) {
            return OnnxTensor.createTensor(env, LongBuffer.wrap(perRow), new long[] {batch});
        }
        throw new IllegalArgumentException(label + " reads input " + name + ", which the batch does not carry");
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
