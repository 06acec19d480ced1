package io.nextitem.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nextitem.config.JobConfig;
import io.nextitem.config.ModelSettings;
import io.nextitem.model.ModelLoadException;
import io.nextitem.testing.MisfitVersions;
import io.nextitem.testing.TestModels;
import io.nextitem.testing.VersionFixtures;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The rules that span the job's settings and a version, as a version is opened (the one place
 * the start and every swap go through) and as a subtask starts: each refusal says what to change.
 * The swap side is in {@link ModelRegistryWatcherTest}, the whole job's start in BrokenStartingModelITCase.
 */
class ServingInvariantsTest {
    private static final Path SASREC = TestModels.versionIn(TestModels.ROOT.resolve("sasrec")); // max_seq_len 20, top_k 10

    @TempDir
    Path registry;

    private static ModelSettings settings(String yamlOverrides, Path registry) {
        JobConfig config = io.nextitem.config.JobConfigLoader.parse(yamlOverrides, "test.yaml");
        config.model.registry = registry.toString();
        config.model.executionProvider = "cpu";
        return config.validated().model;
    }

    @Test
    void aSequenceShorterThanTheVersionReadsIsRefused() {
        Path version = VersionFixtures.publish(SASREC, registry, "sasrec-v1", "2026-02-01T00:00:00Z");
        ModelSettings keepsTen = settings("sequence:\n  max-length: 10\n", registry);
        assertThatThrownBy(() -> SequenceRecommender.open(version, keepsTen).close())
                .isInstanceOf(ModelLoadException.class)
                .hasMessage("sasrec-v1 does not fit this job: sequence.max-length is 10 but the version reads max_seq_len 20 "
                        + "items, so it would score every long sequence on fewer items than it was trained on: raise "
                        + "sequence.max-length to at least 20, or serve a version exported with max_seq_len 10 or less");
        try (SequenceRecommender fits = SequenceRecommender.open(version, settings("sequence:\n  max-length: 20\n", registry))) {
            assertThat(fits.version().version()).isEqualTo("sasrec-v1");
        }
    }

    @Test
    void aFolderNamedUnlikeItsVersionIsRefused() {
        Path version = VersionFixtures.publish(SASREC, registry, "sasrec-v1", "2026-02-01T00:00:00Z");
        VersionFixtures.editManifest(version, manifest -> manifest.put("version", "sasrec-v2"));
        assertThatThrownBy(() -> SequenceRecommender.open(version, settings("", registry)).close())
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("its folder is named 'sasrec-v1' but its manifest.version is 'sasrec-v2'")
                .hasMessageContaining("rename the folder to 'sasrec-v2'");
    }

    @Test
    void aTopKTheGraphCannotFillIsRefused() {
        Path version = VersionFixtures.publish(SASREC, registry, "sasrec-v1", "2026-02-01T00:00:00Z");
        assertThatThrownBy(() -> SequenceRecommender.open(version, settings("model:\n  top-k: 11\n", registry)).close())
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("model.top-k is 11 but the version's graph returns K' = 30 candidates (top_k_graph), "
                        + "up to max_seq_len = 20 of which may be items the user already clicked, so it fills at most 10: "
                        + "lower model.top-k to 10 or less, or export the version with top_k 11 or more");
    }

    @Test
    void everyRuleTheVersionBreaksIsListed() {
        Path version = VersionFixtures.publish(SASREC, registry, "sasrec-v1", "2026-02-01T00:00:00Z");
        VersionFixtures.editManifest(version, manifest -> manifest.put("version", "sasrec-v2"));
        assertThatThrownBy(() -> SequenceRecommender.open(version,
                settings("sequence:\n  max-length: 5\nmodel:\n  top-k: 12\n", registry)).close())
                .hasMessageContaining("manifest.version").hasMessageContaining("sequence.max-length is 5")
                .hasMessageContaining("model.top-k is 12");
    }

    static Stream<Arguments> misfits() {
        return Stream.of(
                Arguments.of("reads more than the job keeps", MisfitVersions.READS_MORE_THAN_THE_JOB_KEEPS,
                        "raise sequence.max-length to at least 60"),
                Arguments.of("named unlike its folder", MisfitVersions.NAMED_UNLIKE_ITS_FOLDER,
                        "rename the folder to 'sasrec-elsewhere'"),
                Arguments.of("fills fewer than model.top-k", MisfitVersions.FILLS_FEWER_THAN_THE_SERVED_TOP_K,
                        "lower model.top-k to 5"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("misfits")
    void aSubtaskRefusesToStartOnAMisfitVersionWithoutRestarting(String what, Consumer<Path> misfit, String change) {
        VersionFixtures.publish(SASREC, registry, "sasrec-v1", "2026-02-01T00:00:00Z", misfit);
        ModelSettings defaults = settings("", registry);
        assertThatThrownBy(() -> new ServedModel(defaults, List.of(), new UnregisteredMetricsGroup(), 0).close())
                .isInstanceOf(SuppressRestartsException.class)
                .hasStackTraceContaining("no model version to serve")
                .hasStackTraceContaining(change);
    }
}
