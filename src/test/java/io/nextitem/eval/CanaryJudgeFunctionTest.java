package io.nextitem.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.nextitem.avro.ModelUpdate;
import io.nextitem.avro.ModelUpdateAction;
import io.nextitem.config.CanarySettings;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The judge on Flink's keyed harness: one verdict per candidate, written only with canary.auto. */
class CanaryJudgeFunctionTest {
    private static KeyedOneInputStreamOperatorTestHarness<String, CanaryEvidenceDelta, ModelUpdate> harness(boolean auto)
            throws Exception {
        CanarySettings settings = new CanarySettings();
        settings.auto = auto;
        var harness = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new CanaryJudgeFunction(settings)),
                (CanaryEvidenceDelta d) -> d.candidate, Types.STRING);
        harness.open();
        return harness;
    }

    /** Users with 4 judged lists each: serving hits 25%, the candidate 2%. */
    private static void feed(KeyedOneInputStreamOperatorTestHarness<String, CanaryEvidenceDelta, ModelUpdate> harness,
                             int users) throws Exception {
        Random random = new Random(9);
        for (int u = 0; u < users; u++) {
            boolean candidate = u % 5 == 0;
            long hits = 0;
            for (int n = 0; n < 4; n++) {
                boolean hit = random.nextDouble() < (candidate ? 0.02 : 0.25);
                harness.processElement(CanaryEvidenceDelta.of("v2", "v1", candidate ? "CANDIDATE" : "SERVING", hits, n, hit), 0L);
                hits += hit ? 1 : 0;
            }
        }
    }

    @Test
    void aWorseCandidateIsAbortedOnceWithItsFigures() throws Exception {
        try (var harness = harness(true)) {
            feed(harness, 1_500);
            assertThat(harness.extractOutputValues()).singleElement().satisfies(u -> {
                assertThat(u.getAction()).isEqualTo(ModelUpdateAction.ABORT);
                assertThat(u.getVersion()).isEqualTo("v2");
                assertThat(u.getIssuedBy()).isEqualTo("canary-judge");
                assertThat(u.getReason()).contains("live HR@10 candidate", "worse by more than the margin");
            });
        }
    }

    @Test
    void withoutCanaryAutoTheVerdictIsAdviceOnly() throws Exception {
        try (var harness = harness(false)) {
            feed(harness, 1_500);
            assertThat(harness.extractOutputValues()).isEmpty();
        }
    }
}
