package io.nextitem.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * One tiny trained version per model family (src/test/resources/nextitem/models/&lt;model&gt;/),
 * built by `src/trainer/bin/trainer test-models`: each folder is a registry of its own, so a test
 * can point the job at one family at a time.
 */
public final class TestModels {
    public static final Path ROOT = Path.of("src/test/resources/nextitem/models");

    /** The families every release must serve; a missing one fails the tests instead of being skipped. */
    public static final List<String> REQUIRED = List.of("sasrec", "sasrec-plus", "convrec", "attrec", "casfe", "dmran", "ssrf");

    private TestModels() {}

    /** Registry folders, one per model family, sorted by name. */
    public static List<Path> registries() {
        try (Stream<Path> folders = Files.list(ROOT)) {
            return folders.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("no test models in " + ROOT + "; build them with `src/trainer/bin/trainer test-models`", e);
        }
    }

    /** The version folder in a family's registry (there is exactly one). */
    public static Path versionIn(Path registry) {
        try (Stream<Path> versions = Files.list(registry)) {
            List<Path> found = versions.filter(p -> Files.isRegularFile(p.resolve("manifest.json"))).toList();
            if (found.size() != 1) {
                throw new IllegalStateException(registry + " must hold exactly one version, holds " + found);
            }
            return found.get(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Ids listed in a version's items.tsv, users.tsv or categories.tsv, in index order. */
    public static List<String> idsIn(Path versionFolder, String file) {
        try {
            return Files.readAllLines(versionFolder.resolve(file)).stream().map(line -> line.split("\t")[1]).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
