package io.nextitem.inference;

import ai.onnxruntime.OrtException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nextitem.ann.ExactItemSearch;
import io.nextitem.ann.NpyFloatMatrix;
import io.nextitem.model.ModelLoadException;
import io.nextitem.model.ModelVersion;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Golden parity of the retrieval form (schemas/model/README.md): query.onnx and exact
 * inner-product search over item_vectors.npy must reproduce golden.json's top_items, and its
 * scores within {@link GoldenCheck#SCORE_TOLERANCE}, as model.onnx does. A version whose query
 * graph or item table computes another score is refused before approximate search serves it.
 */
public final class RetrievalGoldenCheck {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RetrievalGoldenCheck() {}

    /** @throws ModelLoadException naming the case, row and position that differ */
    public static void verify(ModelVersion version, QueryEncoder encoder, NpyFloatMatrix vectors) {
        Path file = version.folder().resolve(GoldenCheck.GOLDEN_FILE);
        String label = version.name() + " " + version.version() + " retrieval form";
        JsonNode cases;
        try {
            cases = JSON.readTree(file.toFile()).path("cases");
        } catch (IOException e) {
            throw new ModelLoadException(label + ": cannot read " + file + ": " + e.getMessage(), e);
        }
        for (int c = 0; c < cases.size(); c++) {
            JsonNode golden = cases.get(c);
            try {
                EncoderInputs inputs = GoldenCheck.inputsOf(golden.path("inputs"), version.manifest().inputs());
                long[][] expectedItems = JSON.treeToValue(golden.path("top_items"), long[][].class);
                float[][] expectedScores = JSON.treeToValue(golden.path("top_scores"), float[][].class);
                float[][] queries = encoder.encode(inputs);
                long[][] items = new long[queries.length][];
                float[][] scores = new float[queries.length][];
                for (int row = 0; row < queries.length; row++) {
                    int k = row < expectedItems.length ? expectedItems[row].length : 0;
                    ExactItemSearch.Top top = ExactItemSearch.topK(vectors, queries[row], k);
                    items[row] = top.itemIndices();
                    scores[row] = top.scores();
                }
                GoldenCheck.compare(label + ": golden case " + c, new TopItems(items, scores), expectedItems, expectedScores);
            } catch (IOException | IllegalArgumentException e) {
                throw new ModelLoadException(label + ": golden case " + c + " is unreadable: " + e.getMessage(), e);
            } catch (OrtException e) {
                throw new ModelLoadException(label + ": golden case " + c + " fails in ONNX Runtime: " + e.getMessage(), e);
            }
        }
    }
}
