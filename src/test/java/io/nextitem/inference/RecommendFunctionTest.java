package io.nextitem.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nextitem.avro.Recommendation;
import io.nextitem.avro.RecommendationSource;
import io.nextitem.config.ModelSettings;
import io.nextitem.model.ModelLoadException;
import io.nextitem.sequence.ScoringRequest;
import io.nextitem.testing.DemoModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.streaming.api.operators.StreamMap;
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
        var harness = new OneInputStreamOperatorTestHarness<>(new StreamMap<>(new RecommendFunction(settings(DemoModel.REGISTRY))));
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
    void anEmptyRegistryFailsOpenWithAClearMessage() throws Exception {
        Files.createDirectories(tmp.resolve("registry"));
        var harness = new OneInputStreamOperatorTestHarness<>(new StreamMap<>(new RecommendFunction(settings(tmp.resolve("registry")))));
        assertThatThrownBy(harness::open)
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("holds no model version");
    }
}
