package io.nextitem.tools.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Counts copies of ONNX Runtime's core library written into this machine's temporary folder
 * since a moment: the TaskManagers' shared folder is written once per machine, and before that
 * every TaskManager start (and every kill) left a copy of its own.
 */
final class OnnxRuntimeCopies {
    private static final String LIBRARY = "libonnxruntime.so";

    private OnnxRuntimeCopies() {}

    /** Files named libonnxruntime.so up to three folders below java.io.tmpdir, modified after {@code sinceNanoTime}. */
    static long writtenSince(long sinceNanoTime) {
        long sinceMillis = System.currentTimeMillis() - (System.nanoTime() - sinceNanoTime) / 1_000_000;
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        try (Stream<Path> files = Files.find(tmp, 3, (path, attributes) -> path.getFileName().toString().equals(LIBRARY)
                && attributes.lastModifiedTime().toMillis() >= sinceMillis)) {
            return files.count();
        } catch (IOException | UncheckedIOException e) {
            return -1;   // an unreadable folder below tmp: not counted, and said so by -1
        }
    }
}
