package io.nextitem.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nextitem.config.ModelSettings;
import io.nextitem.model.ModelLoadException;
import io.nextitem.testing.TestModels;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LatencyBudgetCheckTest {
    private static final Path SASREC = TestModels.versionIn(TestModels.ROOT.resolve("sasrec"));

    private static ModelSettings budget(double ms) {
        ModelSettings settings = new ModelSettings();
        settings.executionProvider = "cpu";
        settings.latencyBudgetMs = ms;
        return settings;
    }

    @Test
    void aVersionSlowerThanTheBudgetIsRefusedWithItsMeasuredTime() {
        // No graph scores a batch in a nanosecond: every version is over this budget.
        assertThatThrownBy(() -> SequenceRecommender.open(SASREC, budget(1e-6)).close())
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("over model.latency-budget-ms = 1.0E-6")
                .hasMessageMatching("(?s).*takes \\d+\\.\\d{3} ms \\(median of 5 on CPU\\).*");
    }

    @Test
    void aVersionWithinTheBudgetOrWithoutOneServes() {
        try (SequenceRecommender within = SequenceRecommender.open(SASREC, budget(60_000));
             SequenceRecommender unbounded = SequenceRecommender.open(SASREC, budget(0))) {
            assertThat(within.version().version()).isEqualTo(unbounded.version().version());
        }
    }
}
