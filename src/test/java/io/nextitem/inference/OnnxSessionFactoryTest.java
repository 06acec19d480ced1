package io.nextitem.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nextitem.model.ModelLoadException;
import io.nextitem.model.ModelVersion;
import io.nextitem.testing.TestModels;
import org.junit.jupiter.api.Test;

/**
 * The execution provider: CUDA where it loads, CPU otherwise, decided quickly and said. Runs on
 * any machine: where CUDA is absent (the CI machines) "cuda" is refused with the reason and
 * "auto" falls back to CPU within 10 s; where it loads, "auto" takes it.
 */
class OnnxSessionFactoryTest {
    private static final byte[] GRAPH = ModelVersion.load(TestModels.versionIn(TestModels.ROOT.resolve("sasrec"))).onnxModel();

    @Test
    void autoTakesCudaWhereItLoadsAndFallsBackToCpuQuicklyWhereItDoesNot() throws Exception {
        boolean cudaLoads;
        try (var cuda = OnnxSessionFactory.create(GRAPH, "cuda", 1, "probe").session()) {
            cudaLoads = true;
        } catch (ModelLoadException e) {
            assertThat(e).hasMessageContaining("CUDA (device 0) is unavailable").hasMessageContaining("use auto");
            cudaLoads = false;
        }
        long started = System.nanoTime();
        OnnxSessionFactory.ProvidedSession auto = OnnxSessionFactory.create(GRAPH, "auto", 1, "auto test");
        double seconds = (System.nanoTime() - started) / 1e9;
        try (var session = auto.session()) {
            assertThat(auto.provider()).isEqualTo(cudaLoads ? ExecutionProvider.CUDA : ExecutionProvider.CPU);
            assertThat(session.getInputNames()).contains("item_seq");
        }
        assertThat(seconds).as("provider decided within 10 s").isLessThan(10.0);
    }

    @Test
    void cudaRunsOnTheConfiguredDeviceOrSaysWhichOneIsUnavailable() throws Exception {
        try (var session = OnnxSessionFactory.create(GRAPH, "cuda", 0, 1, "device 0").session()) {
            // a GPU machine: device 0 exists, so a device past any machine's count must be refused
            assertThatThrownBy(() -> OnnxSessionFactory.create(GRAPH, "cuda", 1023, 1, "device 1023"))
                    .isInstanceOf(ModelLoadException.class).hasMessageContaining("CUDA (device 1023) is unavailable");
        } catch (ModelLoadException e) {
            assertThatThrownBy(() -> OnnxSessionFactory.create(GRAPH, "cuda", 3, 1, "device 3"))
                    .isInstanceOf(ModelLoadException.class).hasMessageContaining("CUDA (device 3) is unavailable");
        }
    }

    @Test
    void cpuNeverTriesCuda() throws Exception {
        OnnxSessionFactory.ProvidedSession cpu = OnnxSessionFactory.create(GRAPH, "cpu", 1, "cpu test");
        try (var session = cpu.session()) {
            assertThat(cpu.provider()).isEqualTo(ExecutionProvider.CPU);
        }
    }

    @Test
    void bytesThatAreNoGraphAreRefusedByName() {
        assertThatThrownBy(() -> OnnxSessionFactory.create(new byte[] {1, 2, 3}, "cpu", 1, "broken v9"))
                .isInstanceOf(ModelLoadException.class).hasMessageStartingWith("broken v9: ONNX Runtime cannot load model.onnx");
    }
}
