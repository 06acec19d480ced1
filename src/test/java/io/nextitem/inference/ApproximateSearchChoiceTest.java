package io.nextitem.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nextitem.ann.AnnIndexDescription;
import io.nextitem.ann.HnswParameters;
import io.nextitem.ann.NpyFloatMatrix;
import io.nextitem.ann.ScanCalibration;
import io.nextitem.ann.VersionIndexer;
import io.nextitem.config.ModelSettings;
import io.nextitem.model.ModelLoadException;
import io.nextitem.model.ModelVersion;
import io.nextitem.testing.RetrievalFormFixture;
import io.nextitem.testing.TestModels;
import io.nextitem.testing.VersionFixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * model.search decides per version; under approximate a version without a valid index is refused
 * with its reason, at start (SequenceRecommender.open, which the starting version goes through)
 * and at a swap (the watcher refuses it and the serving version stays).
 */
class ApproximateSearchChoiceTest {
    private static final Path SASREC = TestModels.versionIn(TestModels.ROOT.resolve("sasrec"));

    @TempDir
    Path registry;

    @Test
    void autoSearchesApproximatelyOnlyALargeCatalogueWithAnIndex() throws Exception {
        ModelVersion indexed = ModelVersion.load(publish("sasrec-v1", true, false));
        ModelVersion plain = ModelVersion.load(VersionFixtures.publish(SASREC, registry, "sasrec-v2", "2026-02-01T00:00:00Z"));
        ModelSettings settings = settings(ModelSettings.SEARCH_AUTO);
        assertThat(RetrievalSearch.chosenFor(indexed.manifest(), settings)).as("480 items < 100,000").isFalse();
        settings.searchAutoMinItems = indexed.manifest().numItems();
        assertThat(RetrievalSearch.chosenFor(indexed.manifest(), settings)).isTrue();
        assertThat(RetrievalSearch.chosenFor(plain.manifest(), settings)).as("no index").isFalse();
        assertThat(RetrievalSearch.chosenFor(indexed.manifest(), settings(ModelSettings.SEARCH_EXACT))).isFalse();
        assertThat(RetrievalSearch.chosenFor(plain.manifest(), settings(ModelSettings.SEARCH_APPROXIMATE))).isTrue();
    }

    @Test
    void underAutoASmallIndexedVersionServesExactly() throws Exception {
        Path version = publish("sasrec-v1", true, false);
        try (SequenceRecommender recommender = SequenceRecommender.open(version, settings(ModelSettings.SEARCH_AUTO))) {
            assertThat(recommender.searchesApproximately()).isFalse();
        }
    }

    @Test
    void atStartAVersionWithoutAnIndexIsRefusedWithTheReason() throws Exception {
        Path version = publish("sasrec-v1", false, false);
        assertThatThrownBy(() -> SequenceRecommender.open(version, settings(ModelSettings.SEARCH_APPROXIMATE)))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("no approximate-search index").hasMessageContaining("nextitem.jar index");
    }

    @Test
    void atASwapAVersionWithACorruptIndexIsRefusedAndTheServingOneStays() throws Exception {
        VersionFixtures.publish(SASREC, registry, "sasrec-v1", "2026-02-01T00:00:00Z");
        List<String> refusals = new ArrayList<>();
        ModelSettings settings = settings(ModelSettings.SEARCH_APPROXIMATE);
        try (ModelRegistryWatcher watcher = new ModelRegistryWatcher(settings, "sasrec-v1",
                (folder, reason) -> refusals.add(folder + ": " + reason))) {
            publish("sasrec-v2", true, true);
            watcher.pollOnce();
            watcher.pollOnce();
            assertThat(watcher.takeReady()).isNull();
            assertThat(refusals).singleElement().asString().startsWith("sasrec-v2: ")
                    .contains("ann/lucene/").contains("sha256");
        }
    }

    @Test
    void byDefaultACalibratedIndexIsAnsweredByItsScanAloneAndAnUncalibratedOneWalksItsGraphs() throws Exception {
        Path queries = registry.resolveSibling(registry.getFileName() + "-queries.npy");
        NpyFloatMatrix.write(queries, RetrievalFormFixture.vectors(30, 16, 5)); // the test model's query dimension
        Path calibrated = indexedCopy("sasrec-v1", new ScanCalibration.Request(queries, 10, 0.9, null));
        ScanCalibration calibration = AnnIndexDescription.read(calibrated.resolve("ann/index.json")).scanCalibration();
        assertThat(calibration.scanItems()).isNotNull();
        ModelSettings defaults = settings(ModelSettings.SEARCH_APPROXIMATE);
        assertThat(defaults.searchGraphs).isEqualTo(ModelSettings.GRAPHS_AUTO);
        try (SequenceRecommender recommender = SequenceRecommender.open(calibrated, defaults)) {
            assertThat(recommender.searchPlan().exactItems()).isEqualTo(calibration.scanItems());
            assertThat(recommender.searchPlan().walkGraphs()).isFalse();
        }
        assertThat(SearchPlan.describe(ModelVersion.load(calibrated), defaults)).startsWith("approximate: exact scan of the "
                + calibration.scanItems() + " longest items, no graph walked");
        assertThat(SearchPlan.describe(ModelVersion.load(calibrated), settings(ModelSettings.SEARCH_AUTO)))
                .as("auto, a small catalogue").startsWith("exact");
        ModelSettings walked = settings(ModelSettings.SEARCH_APPROXIMATE);
        walked.searchGraphs = ModelSettings.GRAPHS_WALKED;
        try (SequenceRecommender recommender = SequenceRecommender.open(calibrated, walked)) {
            assertThat(recommender.searchPlan().walkGraphs()).isTrue();
        }
        Path uncalibrated = indexedCopy("sasrec-v2", null);
        try (SequenceRecommender recommender = SequenceRecommender.open(uncalibrated, defaults)) {
            assertThat(recommender.searchPlan().exactItems()).isEqualTo(defaults.searchExactItems);
            assertThat(recommender.searchPlan().walkGraphs()).isTrue();
        }
    }

    /** The test model, its own retrieval form indexed (and calibrated with {@code calibrate}, when not null). */
    private Path indexedCopy(String name, ScanCalibration.Request calibrate) {
        return VersionFixtures.publish(SASREC, registry, name, "2026-03-01T00:00:00Z", staged -> {
            try {
                VersionIndexer.index(staged, new HnswParameters(8, 40, false), calibrate, line -> { });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private Path publish(String name, boolean index, boolean corruptIndex) {
        return VersionFixtures.publish(SASREC, registry, name, "2026-03-01T00:00:00Z", staged -> {
            try {
                RetrievalFormFixture.addTo(staged, 8, 1);
                if (index) {
                    VersionIndexer.index(staged, new HnswParameters(8, 40, false), line -> { });
                }
                if (corruptIndex) {
                    try (Stream<Path> files = Files.list(staged.resolve("ann/lucene"))) {
                        Path vectors = files.filter(f -> f.toString().endsWith(".vec")).findFirst().orElseThrow();
                        VersionFixtures.rewrite(staged, staged.relativize(vectors).toString(),
                                VersionFixtures::flipLastByte, false);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private ModelSettings settings(String search) {
        ModelSettings settings = new ModelSettings();
        settings.registry = registry.toString();
        settings.search = search;
        return settings;
    }
}
