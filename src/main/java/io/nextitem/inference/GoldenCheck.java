package io.nextitem.inference;

import ai.onnxruntime.OrtException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nextitem.model.ModelLoadException;
import io.nextitem.model.ModelVersion;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Golden parity: the version's graph, run here by ONNX Runtime, must reproduce what the exporter's
 * PyTorch model gave for the inputs in golden.json (identical top items, scores within
 * {@link #SCORE_TOLERANCE}). The job runs it before a version may serve, so a graph that loads
 * but computes something else (a wrong export, a mismatched runtime) is refused, not served.
 */
public final class GoldenCheck {
    public static final String GOLDEN_FILE = "golden.json";
    public static final float SCORE_TOLERANCE = 1e-4f;
    private static final ObjectMapper JSON = new ObjectMapper();

    private GoldenCheck() {}

    /** @throws ModelLoadException naming the case, row and position that differ */
    public static void verify(ModelVersion version, OnnxEncoder encoder) {
        Path file = version.folder().resolve(GOLDEN_FILE);
        String label = version.name() + " " + version.version();
        JsonNode cases;
        try {
            cases = JSON.readTree(file.toFile()).path("cases");
        } catch (IOException e) {
            throw new ModelLoadException(label + ": cannot read " + file + ": " + e.getMessage(), e);
        }
        if (!cases.isArray() || cases.isEmpty()) {
            throw new ModelLoadException(label + ": " + file + " holds no golden cases");
        }
        for (int c = 0; c < cases.size(); c++) {
            JsonNode golden = cases.get(c);
            try {
                EncoderInputs inputs = inputsOf(golden.path("inputs"), version.manifest().inputs());
                long[][] expectedItems = JSON.treeToValue(golden.path("top_items"), long[][].class);
                float[][] expectedScores = JSON.treeToValue(golden.path("top_scores"), float[][].class);
                compare(label + ": golden case " + c, encoder.score(inputs), expectedItems, expectedScores);
            } catch (IOException | IllegalArgumentException e) {
                throw new ModelLoadException(label + ": golden case " + c + " is unreadable: " + e.getMessage(), e);
            } catch (OrtException e) {
                throw new ModelLoadException(label + ": golden case " + c + " fails in ONNX Runtime: " + e.getMessage(), e);
            }
        }
    }

    static void compare(String where, TopItems actual, long[][] expectedItems, float[][] expectedScores) {
        if (actual.itemIndices().length != expectedItems.length) {
            throw new ModelLoadException(where + ": " + actual.itemIndices().length + " rows, golden has " + expectedItems.length);
        }
        for (int row = 0; row < expectedItems.length; row++) {
            if (!Arrays.equals(actual.itemIndices()[row], expectedItems[row])) {
                throw new ModelLoadException(where + ", row " + row + ": top items " + Arrays.toString(actual.itemIndices()[row])
                        + " differ from the exporter's " + Arrays.toString(expectedItems[row]));
            }
            for (int k = 0; k < expectedScores[row].length; k++) {
                float gap = Math.abs(actual.scores()[row][k] - expectedScores[row][k]);
                if (!(gap <= SCORE_TOLERANCE)) {
                    throw new ModelLoadException(where + ", row " + row + ", rank " + k + ": score " + actual.scores()[row][k]
                            + " vs the exporter's " + expectedScores[row][k] + " (tolerance " + SCORE_TOLERANCE + ")");
                }
            }
        }
    }

    /** The inputs of the version's first golden case (full-length rows, as the exporter writes it). */
    static EncoderInputs firstCaseInputs(ModelVersion version) {
        Path file = version.folder().resolve(GOLDEN_FILE);
        try {
            return inputsOf(JSON.readTree(file.toFile()).path("cases").path(0).path("inputs"), version.manifest().inputs());
        } catch (IOException | IllegalArgumentException e) {
            throw new ModelLoadException(version.name() + " " + version.version() + ": cannot read the first case of "
                    + file + ": " + e.getMessage(), e);
        }
    }

    /** Every input the manifest lists, from a golden case: *_seq as (B, L), the rest as (B). */
    static EncoderInputs inputsOf(JsonNode fields, List<String> names) throws IOException {
        EncoderInputs inputs = EncoderInputs.ofItems(JSON.treeToValue(fields.path(EncoderInputs.ITEM_SEQ), long[][].class));
        for (String name : names) {
            if (!fields.has(name)) {
                throw new IllegalArgumentException("the case does not carry input " + name);
            }
            if (name.equals(EncoderInputs.ITEM_SEQ)) {
                continue;
            }
            if (name.endsWith("_seq")) {
                inputs.withSequence(name, JSON.treeToValue(fields.path(name), long[][].class));
            } else {
                inputs.withPerRow(name, JSON.treeToValue(fields.path(name), long[].class));
            }
        }
        return inputs;
    }
}
