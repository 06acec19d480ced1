package io.nextitem.inference;

import static org.assertj.core.api.Assertions.assertThat;

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
        JsonNode cases = JSON.readTree(folder.resolve(GoldenCheck.GOLDEN_FILE).toFile()).path("cases");
        assertThat(cases.size()).as("golden cases in " + folder).isGreaterThanOrEqualTo(1);
        try (OnnxEncoder encoder = new OnnxEncoder(version, "auto", 1)) {
            GoldenCheck.verify(version, encoder); // throws naming the case, row and rank that differ
            TopItems first = encoder.score(GoldenCheck.inputsOf(cases.get(0).path("inputs"), version.manifest().inputs()));
            assertThat(first.itemIndices()[0]).hasSize(version.manifest().topKGraph());
        }
    }
}
