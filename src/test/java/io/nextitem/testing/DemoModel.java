package io.nextitem.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** The model version shipped for the demo (exported by the trainer), used as a real model in tests. */
public final class DemoModel {
    /** -Dnextitem.test.registry points the tests at another registry (e.g. a freshly exported one). */
    public static final Path REGISTRY = Path.of(System.getProperty("nextitem.test.registry", "src/main/resources/nextitem/demo/registry"));

    private DemoModel() {}

    public static Path versionFolder() {
        try (Stream<Path> versions = Files.list(REGISTRY)) {
            return versions.filter(p -> Files.isRegularFile(p.resolve("manifest.json")))
                    .max(Comparator.naturalOrder())
                    .orElseThrow(() -> new IllegalStateException("no demo model version in " + REGISTRY
                            + "; build it with `src/trainer/bin/trainer demo-assets`"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Item ids the demo model knows, in index order. */
    public static List<String> itemIds() {
        try {
            return Files.readAllLines(versionFolder().resolve("items.tsv")).stream()
                    .map(line -> line.split("\t")[1]).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A copy of the demo version that a test may damage. */
    public static Path copyTo(Path dir) {
        Path source = versionFolder();
        Path target = dir.resolve(source.getFileName());
        try (Stream<Path> files = Files.list(source)) {
            Files.createDirectories(target);
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.copy(file, target.resolve(file.getFileName()));
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
