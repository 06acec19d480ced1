package io.nextitem.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nextitem.model.ModelVersion;
import io.nextitem.testing.DemoModel;
import io.nextitem.testing.TestModels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The exported graph, run by ONNX Runtime in Java, reproduces what the exporter's PyTorch model
 * gave for the same inputs (golden.json): identical top items, scores within 1e-4. Runs for the
 * shipped demo model, the tiny version of every model family (TestModels), and any extra version
 * folder named by -Dnextitem.parity.versions=a,b (e.g. a full-size export).
 */
class GoldenParityTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final float SCORE_TOLERANCE = 1e-4f;

    static Stream<Path> versions() {
        List<Path> versions = new ArrayList<>(List.of(DemoModel.versionFolder()));
        TestModels.registries().forEach(registry -> versions.add(TestModels.versionIn(registry)));
        String extra = System.getProperty("nextitem.parity.versions", "");
        for (String folder : extra.split(",")) {
            if (!folder.isBlank()) {
                versions.add(Path.of(folder.trim()));
            }
        }
        return versions.stream();
    }

    @Test
    void everyRequiredModelFamilyHasATestVersion() {
        List<String> families = TestModels.registries().stream().map(p -> p.getFileName().toString()).toList();
        assertThat(families).containsAll(TestModels.REQUIRED);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    void onnxRuntimeReproducesTheExportersOutputs(Path folder) throws Exception {
        ModelVersion version = ModelVersion.load(folder);
        JsonNode cases = JSON.readTree(folder.resolve("golden.json").toFile()).path("cases");
        assertThat(cases.size()).as("golden cases in " + folder).isGreaterThanOrEqualTo(1);
        try (OnnxEncoder encoder = new OnnxEncoder(version, "auto", 1)) {
            for (JsonNode golden : cases) {
                EncoderInputs inputs = goldenInputs(golden.path("inputs"), version.manifest().inputs());
                long[][] expectedItems = JSON.treeToValue(golden.path("top_items"), long[][].class);
                float[][] expectedScores = JSON.treeToValue(golden.path("top_scores"), float[][].class);

                TopItems actual = encoder.score(inputs);

                assertThat(actual.itemIndices()).isDeepEqualTo(expectedItems);
                for (int row = 0; row < expectedScores.length; row++) {
                    for (int k = 0; k < expectedScores[row].length; k++) {
                        assertThat(actual.scores()[row][k]).isCloseTo(expectedScores[row][k], within(SCORE_TOLERANCE));
                    }
                }
                assertThat(actual.itemIndices()[0]).hasSize(version.manifest().topKGraph());
            }
        }
    }

    /** Every input the manifest lists, from the golden case: *_seq as (B, L), the rest as (B). */
    private static EncoderInputs goldenInputs(JsonNode fields, List<String> names) throws Exception {
        EncoderInputs inputs = EncoderInputs.ofItems(JSON.treeToValue(fields.path(EncoderInputs.ITEM_SEQ), long[][].class));
        for (String name : names) {
            assertThat(fields.has(name)).as("golden case carries " + name).isTrue();
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
