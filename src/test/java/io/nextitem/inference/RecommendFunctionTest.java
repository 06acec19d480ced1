package io.nextitem.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nextitem.avro.Recommendation;
import io.nextitem.avro.RecommendationSource;
import io.nextitem.config.ModelSettings;
import io.nextitem.model.ModelLoadException;
import io.nextitem.sequence.ScoringRequest;
import io.nextitem.testing.DemoModel;
import io.nextitem.testing.TestModels;
import io.nextitem.testing.VersionFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.StreamFlatMap;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The recommend operator in Flink's harness: loads the registry's version on open, one list per request. */
class RecommendFunctionTest {
    @TempDir
    Path tmp;

    private static ModelSettings settings(Path registry) {
        ModelSettings settings = new ModelSettings();
        settings.registry = registry.toString();
        return settings;
    }

    @Test
    void emitsOneRecommendationPerRequestFromTheLatestVersion() throws Exception {
        var harness = new OneInputStreamOperatorTestHarness<>(new StreamFlatMap<>(new RecommendFunction(settings(DemoModel.REGISTRY))));
        harness.open();
        String known = DemoModel.itemIds().get(3);
        harness.processElement(new ScoringRequest("u1", "e1", 5L, new String[] {known}, new long[] {5L}, new String[1]), 5L);
        harness.processElement(new ScoringRequest("u2", "e2", 6L, new String[] {"unseen"}, new long[] {6L}, new String[1]), 6L);

        List<Recommendation> out = harness.extractOutputValues();
        assertThat(out).extracting(Recommendation::getTriggerEventId).containsExactly("e1", "e2");
        assertThat(out).extracting(Recommendation::getSource)
                .containsExactly(RecommendationSource.MODEL, RecommendationSource.POPULARITY);
        assertThat(out.get(0).getModelVersion()).isEqualTo(DemoModel.versionFolder().getFileName().toString());
        harness.close();
    }

    @Test
    void anEmptyRegistryFailsOpenWithAClearMessageAndNoRestart() throws Exception {
        Files.createDirectories(tmp.resolve("registry"));
        var harness = new OneInputStreamOperatorTestHarness<>(new StreamFlatMap<>(new RecommendFunction(settings(tmp.resolve("registry")))));
        assertThatThrownBy(harness::open)
                .isInstanceOf(org.apache.flink.runtime.execution.SuppressRestartsException.class)
                .cause().isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("holds no model version");
    }

    @Test
    void aVersionPublishedMidStreamServesWithoutARestartAndNoRequestIsLost() throws Exception {
        Path registry = tmp.resolve("registry");
        VersionFixtures.publish(SASREC_TEST, registry, "sasrec-v1", "2026-02-01T00:00:00Z");
        ModelSettings settings = settings(registry);
        settings.watchIntervalMs = 100;
        var harness = new OneInputStreamOperatorTestHarness<>(new StreamFlatMap<>(new RecommendFunction(settings)));
        harness.open();
        harness.processElement(request(0), 0L);
        VersionFixtures.publish(SASREC_TEST, registry, "sasrec-v2", "2026-03-01T00:00:00Z");

        int sent = 1;
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!lastVersion(harness).equals("sasrec-v2") && System.nanoTime() < deadline) {
            harness.processElement(request(sent), sent);
            sent++;
        }
        List<Recommendation> out = harness.extractOutputValues();
        assertThat(out).hasSize(sent);
        assertThat(out.get(0).getModelVersion()).isEqualTo("sasrec-v1");
        assertThat(lastVersion(harness)).as("swapped within 30 s").isEqualTo("sasrec-v2");
        harness.close();
    }

    @Test
    void afterARestoreTheCheckpointedVersionServesNotTheNewest() throws Exception {
        Path registry = tmp.resolve("registry");
        VersionFixtures.publish(SASREC_TEST, registry, "sasrec-v1", "2026-02-01T00:00:00Z");
        VersionFixtures.publish(SASREC_TEST, registry, "sasrec-v2", "2026-03-01T00:00:00Z");
        OperatorSubtaskState checkpoint = checkpointServing(registry, "sasrec-v1");

        assertThat(versionAfterRestore(registry, checkpoint)).isEqualTo("sasrec-v1");

        ModelSettings latest = settings(registry);
        latest.watchIntervalMs = 0;
        var fresh = new OneInputStreamOperatorTestHarness<>(new StreamFlatMap<>(new RecommendFunction(latest)));
        fresh.open();
        fresh.processElement(request(2), 2L);
        assertThat(lastVersion(fresh)).as("without a checkpoint: the newest").isEqualTo("sasrec-v2");
        fresh.close();
    }

    @Test
    void aCheckpointedVersionCorruptedSinceIsPassedOverForTheConfiguredOne() throws Exception {
        Path registry = tmp.resolve("registry");
        Path v1 = VersionFixtures.publish(SASREC_TEST, registry, "sasrec-v1", "2026-02-01T00:00:00Z");
        VersionFixtures.publish(SASREC_TEST, registry, "sasrec-v2", "2026-03-01T00:00:00Z");
        OperatorSubtaskState checkpoint = checkpointServing(registry, "sasrec-v1");
        VersionFixtures.rewrite(v1, "model.onnx", bytes -> { bytes[bytes.length - 1] ^= 1; return bytes; }, false);

        assertThat(versionAfterRestore(registry, checkpoint)).isEqualTo("sasrec-v2");
    }

    /** A checkpoint of the operator while it serves {@code version} (pinned), after one request. */
    private static OperatorSubtaskState checkpointServing(Path registry, String version) throws Exception {
        ModelSettings pinned = settings(registry);
        pinned.version = version;
        var first = new OneInputStreamOperatorTestHarness<>(new StreamFlatMap<>(new RecommendFunction(pinned)));
        first.open();
        first.processElement(request(0), 0L);
        OperatorSubtaskState checkpoint = first.snapshot(1L, 1L);
        first.close();
        return checkpoint;
    }

    /** The version that answers the first request after restoring {@code checkpoint} with model.version latest. */
    private static String versionAfterRestore(Path registry, OperatorSubtaskState checkpoint) throws Exception {
        ModelSettings latest = settings(registry);
        latest.watchIntervalMs = 0;
        var restored = new OneInputStreamOperatorTestHarness<>(new StreamFlatMap<>(new RecommendFunction(latest)));
        restored.initializeState(checkpoint);
        restored.open();
        restored.processElement(request(1), 1L);
        String version = lastVersion(restored);
        restored.close();
        return version;
    }

    private static final Path SASREC_TEST = TestModels.versionIn(TestModels.ROOT.resolve("sasrec"));

    private static ScoringRequest request(int i) {
        String item = TestModels.idsIn(SASREC_TEST, "items.tsv").get(i % 50);
        return new ScoringRequest("u" + i, "e" + i, i, new String[] {item}, new long[] {i}, new String[1]);
    }

    private static String lastVersion(OneInputStreamOperatorTestHarness<ScoringRequest, Recommendation> harness) {
        List<Recommendation> out = harness.extractOutputValues();
        return out.isEmpty() ? "" : out.get(out.size() - 1).getModelVersion();
    }
}
