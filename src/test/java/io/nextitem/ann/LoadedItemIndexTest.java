package io.nextitem.ann;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nextitem.model.ModelLoadException;
import io.nextitem.model.ModelVersion;
import io.nextitem.testing.DemoModel;
import io.nextitem.testing.RetrievalFormFixture;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A version's index is refused when it is missing, corrupt or built from other item vectors, with the reason. */
class LoadedItemIndexTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void opensTheIndexOfItsOwnVectors() throws Exception {
        Path version = indexedVersion();
        try (LoadedItemIndex index = LoadedItemIndex.open(ModelVersion.load(version))) {
            assertThat(index.bytes()).isGreaterThan(Files.size(version.resolve("item_vectors.npy")) - 200);
            assertThat(index.description().numItems()).isEqualTo(index.vectors().rows());
        }
    }

    @Test
    void refusesAVersionWithoutAnIndex() throws Exception {
        Path version = DemoModel.copyTo(tmp);
        RetrievalFormFixture.addTo(version, 8, 1);
        assertThatThrownBy(() -> LoadedItemIndex.open(ModelVersion.load(version)))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("no approximate-search index").hasMessageContaining("nextitem.jar index");
        Path plain = DemoModel.copyTo(tmp.resolve("plain"));
        assertThatThrownBy(() -> LoadedItemIndex.open(ModelVersion.load(plain)))
                .hasMessageContaining("no retrieval form");
    }

    @Test
    void aDamagedIndexFileFailsTheVersionsSha256Check() throws Exception {
        Path version = indexedVersion();
        flipLastByte(largestIndexFile(version));
        assertThatThrownBy(() -> ModelVersion.load(version))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("ann/lucene/").hasMessageContaining("sha256");
    }

    @Test
    void aDamagedIndexFileWithAMatchingSha256FailsLucenesOwnChecksum() throws Exception {
        Path version = indexedVersion();
        Path damaged = largestIndexFile(version);
        flipByteInTheMiddle(damaged);
        relist(version, "ann/lucene/" + damaged.getFileName());
        ModelVersion loaded = ModelVersion.load(version);
        assertThatThrownBy(() -> LoadedItemIndex.open(loaded))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("corrupt");
    }

    @Test
    void refusesAnIndexBuiltFromOtherItemVectors() throws Exception {
        Path version = indexedVersion();
        // the index of another version's vectors, copied in with a manifest that lists it
        Path other = DemoModel.copyTo(tmp.resolve("other"));
        RetrievalFormFixture.addTo(other, 8, 2);
        VersionIndexer.index(other, new HnswParameters(8, 40, false), line -> { });
        deleteRecursively(version.resolve("ann"));
        copyRecursively(other.resolve("ann"), version.resolve("ann"));
        try (Stream<Path> files = Files.walk(version.resolve("ann"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                relist(version, version.relativize(file).toString());
            }
        }
        ModelVersion loaded = ModelVersion.load(version);
        assertThatThrownBy(() -> LoadedItemIndex.open(loaded))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("built from other item vectors");
    }

    private Path indexedVersion() throws Exception {
        Path version = DemoModel.copyTo(tmp);
        RetrievalFormFixture.addTo(version, 8, 1);
        VersionIndexer.index(version, new HnswParameters(8, 40, false), line -> { });
        return version;
    }

    private static Path largestIndexFile(Path version) throws Exception {
        try (Stream<Path> files = Files.list(version.resolve("ann/lucene"))) {
            return files.max((a, b) -> Long.compare(a.toFile().length(), b.toFile().length())).orElseThrow();
        }
    }

    private static void flipLastByte(Path file) throws Exception {
        flipAt(file, Files.size(file) - 1);
    }

    private static void flipByteInTheMiddle(Path file) throws Exception {
        flipAt(file, Files.size(file) / 2);
    }

    private static void flipAt(Path file, long position) throws Exception {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(position);
            int b = raf.read();
            raf.seek(position);
            raf.write(b ^ 0xFF);
        }
    }

    /** Lists the file's current sha256 in the manifest, as a careless copy would. */
    private static void relist(Path version, String entry) throws Exception {
        rewriteManifest(version, m -> ((ObjectNode) m.get("files")).putObject(entry)
                .put("sha256", ModelVersion.sha256(version.resolve(entry))));
    }

    private static void rewriteManifest(Path version, Consumer<ObjectNode> change) throws Exception {
        ObjectNode manifest = (ObjectNode) JSON.readTree(version.resolve("manifest.json").toFile());
        change.accept(manifest);
        JSON.writeValue(version.resolve("manifest.json").toFile(), manifest);
    }

    private static void deleteRecursively(Path folder) throws Exception {
        try (Stream<Path> walk = Files.walk(folder)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static void copyRecursively(Path from, Path to) throws Exception {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Files.copy(p, to.resolve(from.relativize(p).toString()));
            }
        }
    }
}
