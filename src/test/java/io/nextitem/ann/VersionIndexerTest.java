package io.nextitem.ann;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nextitem.model.ModelLoadException;
import io.nextitem.model.ModelVersion;
import io.nextitem.testing.DemoModel;
import io.nextitem.testing.RetrievalFormFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nextitem.jar index}: the index lands in ann/, the manifest lists it, and wrong vectors are refused. */
class VersionIndexerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HnswParameters SMALL = new HnswParameters(8, 40, false);

    @TempDir
    Path tmp;

    @Test
    void writesTheIndexAndRecordsEveryFileInTheManifest() throws Exception {
        Path version = DemoModel.copyTo(tmp);
        RetrievalFormFixture.addTo(version, 16, 7);
        List<String> progress = new ArrayList<>();

        AnnIndexDescription description = VersionIndexer.index(version, SMALL, progress::add);

        JsonNode manifest = JSON.readTree(version.resolve("manifest.json").toFile());
        int numItems = manifest.path("num_items").asInt();
        assertThat(description.numItems()).isEqualTo(numItems);
        assertThat(description.dim()).isEqualTo(16);
        assertThat(description.itemVectorsSha256()).isEqualTo(manifest.at("/files/item_vectors.npy/sha256").asText());
        assertThat(description.library()).startsWith("lucene-core 9.");
        assertThat(description.bytes()).isPositive();
        assertThat(manifest.at("/retrieval/index").asText()).isEqualTo("ann/index.json");
        List<String> annEntries = new ArrayList<>();
        manifest.path("files").fieldNames().forEachRemaining(name -> {
            if (name.startsWith("ann/")) {
                annEntries.add(name);
            }
        });
        assertThat(annEntries).contains("ann/index.json").anyMatch(name -> name.startsWith("ann/lucene/"));
        try (var walk = Files.walk(version.resolve("ann"))) {
            assertThat(walk.filter(Files::isRegularFile).count()).isEqualTo(annEntries.size());
        }
        assertThat(version.resolve(".ann-building")).doesNotExist();
        assertThat(version.resolve(".manifest.json.tmp")).doesNotExist();
        assertThat(progress).anyMatch(line -> line.contains("checksums verified"));
        // every listed file, the index's included, passes the version's sha256 check
        assertThat(ModelVersion.load(version).manifest().hasAnnIndex()).isTrue();
        // unknown manifest fields survive the rewrite
        assertThat(manifest.has("training_data")).isTrue();
    }

    @Test
    void withTheVersionsQueriesItRecordsTheScanCalibrationUnderTheManifestsChecksums() throws Exception {
        Path version = DemoModel.copyTo(tmp);
        RetrievalFormFixture.addTo(version, 8, 7);
        Path queries = tmp.resolve("queries.npy");
        NpyFloatMatrix.write(queries, RetrievalFormFixture.vectors(40, 8, 11));
        List<String> progress = new ArrayList<>();

        AnnIndexDescription description = VersionIndexer.index(version, SMALL,
                new ScanCalibration.Request(queries, 10, 0.9, null), progress::add);

        ScanCalibration calibration = AnnIndexDescription.read(version.resolve("ann/index.json")).scanCalibration();
        assertThat(calibration).isEqualTo(description.scanCalibration());
        assertThat(calibration.queries()).isEqualTo(40);
        assertThat(calibration.targetRecall()).isEqualTo(0.9);
        assertThat(calibration.maxScanItems()).isEqualTo(ScanCalibration.defaultMaxScanItems(description.numItems()));
        assertThat(calibration.recallByScanItems()).containsEntry(description.numItems(), 1.0);
        assertThat(progress).anyMatch(line -> line.contains("scan alone, recall@10 by items scanned"));
        assertThat(ModelVersion.load(version).manifest().hasAnnIndex()).isTrue();
        // without queries the description carries no calibration, and reads back as none
        VersionIndexer.index(version, SMALL, line -> { });
        assertThat(AnnIndexDescription.read(version.resolve("ann/index.json")).scanCalibration()).isNull();
        assertThat(Files.readString(version.resolve("ann/index.json"))).doesNotContain("scan_calibration");
    }

    @Test
    void calibratingAnIndexAlreadyBuiltKeepsItsGraphsAndRecordsTheCalibration() throws Exception {
        Path version = DemoModel.copyTo(tmp);
        RetrievalFormFixture.addTo(version, 8, 7);
        assertThatThrownBy(() -> VersionIndexer.calibrate(version, new ScanCalibration.Request(tmp.resolve("q.npy"), 10,
                0.9, null), line -> { })).isInstanceOf(ModelLoadException.class).hasMessageContaining("no index to calibrate");
        AnnIndexDescription built = VersionIndexer.index(version, SMALL, line -> { });
        byte[] graphFile = Files.readAllBytes(firstLuceneFile(version));
        Path queries = tmp.resolve("queries.npy");
        NpyFloatMatrix.write(queries, RetrievalFormFixture.vectors(40, 8, 11));

        AnnIndexDescription calibrated = VersionIndexer.calibrate(version, new ScanCalibration.Request(queries, 10, 0.9, 50),
                line -> { });

        assertThat(calibrated.scanCalibration().maxScanItems()).isEqualTo(50);
        assertThat(calibrated.buildSeconds()).isEqualTo(built.buildSeconds());
        assertThat(AnnIndexDescription.read(version.resolve("ann/index.json"))).isEqualTo(calibrated);
        assertThat(Files.readAllBytes(firstLuceneFile(version))).isEqualTo(graphFile);
        assertThat(ModelVersion.load(version).manifest().hasAnnIndex()).as("index.json's new sha256 is in the manifest").isTrue();
    }

    @Test
    void refusesToCalibrateAnIndexBuiltFromOtherItemVectors() throws Exception {
        Path version = DemoModel.copyTo(tmp);
        RetrievalFormFixture.addTo(version, 8, 7);
        VersionIndexer.index(version, SMALL, line -> { });
        String indexJson = Files.readString(version.resolve("ann/index.json"));
        RetrievalFormFixture.addTo(version, 8, 99); // new item vectors in the manifest; ann/ still the old ones'
        Path queries = tmp.resolve("queries.npy");
        NpyFloatMatrix.write(queries, RetrievalFormFixture.vectors(5, 8, 11));
        assertThatThrownBy(() -> VersionIndexer.calibrate(version, new ScanCalibration.Request(queries, 10, 0.9, null),
                line -> { })).isInstanceOf(ModelLoadException.class).hasMessageContaining("built from other item vectors");
        assertThat(Files.readString(version.resolve("ann/index.json"))).isEqualTo(indexJson);
    }

    private static Path firstLuceneFile(Path version) throws Exception {
        try (var files = Files.list(version.resolve("ann/lucene"))) {
            return files.filter(f -> f.toString().endsWith(".vec")).findFirst().orElseThrow();
        }
    }

    @Test
    void refusesQueriesOfAnotherDimensionAndLeavesNoIndex() throws Exception {
        Path version = DemoModel.copyTo(tmp);
        RetrievalFormFixture.addTo(version, 8, 7);
        Path queries = tmp.resolve("queries.npy");
        NpyFloatMatrix.write(queries, RetrievalFormFixture.vectors(5, 6, 11));
        assertThatThrownBy(() -> VersionIndexer.index(version, SMALL, new ScanCalibration.Request(queries, 10, 0.9, null),
                line -> { })).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("6-dimensional queries");
        assertThat(version.resolve("ann")).doesNotExist();
    }

    @Test
    void indexingAgainReplacesTheOldIndexAndItsEntries() throws Exception {
        Path version = DemoModel.copyTo(tmp);
        RetrievalFormFixture.addTo(version, 8, 7);
        VersionIndexer.index(version, SMALL, line -> { });
        VersionIndexer.index(version, new HnswParameters(8, 40, true), line -> { });
        assertThat(AnnIndexDescription.read(version.resolve("ann/index.json")).parameters().int8()).isTrue();
        ModelVersion.load(version); // no stale ann/ entry left behind
    }

    @Test
    void refusesItemVectorsThatAreNotTheOnesTheManifestNames() throws Exception {
        Path version = DemoModel.copyTo(tmp);
        RetrievalFormFixture.addTo(version, 8, 7);
        float[][] other = RetrievalFormFixture.vectors(JSON.readTree(version.resolve("manifest.json").toFile())
                .path("num_items").asInt(), 8, 99);
        NpyFloatMatrix.write(version.resolve("item_vectors.npy"), other);
        assertThatThrownBy(() -> VersionIndexer.index(version, SMALL, line -> { }))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("item_vectors.npy has sha256");
        assertThat(version.resolve("ann")).doesNotExist();
    }

    @Test
    void refusesVectorsWhoseShapeDisagreesWithTheManifest() throws Exception {
        Path version = DemoModel.copyTo(tmp);
        RetrievalFormFixture.addTo(version, 8, 7);
        ObjectNode manifest = (ObjectNode) JSON.readTree(version.resolve("manifest.json").toFile());
        ((ObjectNode) manifest.get("retrieval")).put("dim", 9);
        JSON.writeValue(version.resolve("manifest.json").toFile(), manifest);
        assertThatThrownBy(() -> VersionIndexer.index(version, SMALL, line -> { }))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("retrieval.dim 9");
    }

    @Test
    void refusesAVersionWithoutARetrievalForm() {
        Path version = DemoModel.copyTo(tmp);
        assertThatThrownBy(() -> VersionIndexer.index(version, SMALL, line -> { }))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("no retrieval form");
    }
}
