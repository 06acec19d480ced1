package io.nextitem.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One copy of ONNX Runtime's native libraries per machine: extracted once, reused, repaired when a
 * killed process left a torn file, and safe when several JVMs (here threads) extract at once.
 * The small libraries stand in for the 620 MB CUDA provider; the code path is the same.
 */
class OnnxNativeLibrariesTest {
    private static final List<String> SMALL = List.of("libonnxruntime4j_jni.so", "libonnxruntime_providers_shared.so");

    @TempDir
    Path dir;

    @Test
    void extractsOnceAndReusesTheCopy() throws Exception {
        OnnxNativeLibraries.extractInto(dir, SMALL);
        Path jni = dir.resolve(SMALL.get(0));
        assertThat(jni).isRegularFile();
        FileTime first = FileTime.fromMillis(1_000);
        Files.setLastModifiedTime(jni, first);

        OnnxNativeLibraries.extractInto(dir, SMALL);
        assertThat(Files.getLastModifiedTime(jni)).as("not written again").isEqualTo(first);
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void aTornCopyFromAKilledProcessIsReplaced() throws Exception {
        OnnxNativeLibraries.extractInto(dir, SMALL);
        Path jni = dir.resolve(SMALL.get(0));
        long size = Files.size(jni);
        Files.write(jni, new byte[] {1, 2, 3});

        OnnxNativeLibraries.extractInto(dir, SMALL);
        assertThat(Files.size(jni)).isEqualTo(size);
    }

    @Test
    void concurrentExtractionsLeaveOneCompleteCopy() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> runs = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                runs.add(pool.submit(() -> OnnxNativeLibraries.extractInto(dir, SMALL)));
            }
            for (Future<?> run : runs) {
                run.get();
            }
        } finally {
            pool.shutdown();
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> !n.equals(".lock")))
                    .containsExactlyInAnyOrderElementsOf(SMALL);
        }
    }

    @Test
    void theLoadedRuntimeComesFromTheSharedFolderUnlessAnOperatorChoseOne() throws Exception {
        OnnxNativeLibraries.environment();
        Path folder = OnnxNativeLibraries.folder();
        assertThat(folder).isNotNull();
        assertThat(System.getProperty(OnnxNativeLibraries.DIR_PROPERTY)).isEqualTo(folder.toString());
        // This JVM's mapped libraries: ONNX Runtime's core library is the shared folder's copy.
        List<String> maps = Files.readAllLines(Path.of("/proc/self/maps"));
        assertThat(maps).filteredOn(l -> l.endsWith("/libonnxruntime.so")).isNotEmpty()
                .allSatisfy(l -> assertThat(l).endsWith(folder.resolve("libonnxruntime.so").toString()));
    }

    @Test
    void noDriverMeansCudaIsNotTried(@TempDir Path fakeDev) throws Exception {
        Path proc = fakeDev.resolve("version");
        Path ctl = fakeDev.resolve("nvidiactl");
        assertThat(CudaDriver.absenceReason(proc, ctl)).get().asString().contains("no NVIDIA driver");
        Files.createFile(ctl);
        assertThat(CudaDriver.absenceReason(proc, ctl)).isEmpty();
    }

    private List<Path> leftovers() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".partial")).toList();
        }
    }
}
