package io.nextitem.inference;

import ai.onnxruntime.OrtException;
import io.nextitem.model.ModelLoadException;
import io.nextitem.model.ModelVersion;
import java.util.Arrays;

/**
 * A version must score within {@code model.latency-budget-ms}: a model several times slower than
 * the one serving (a bigger export, a lost optimisation, the CPU fallback where CUDA was meant)
 * would back the whole job up, so it is refused when it loads rather than discovered in the
 * lag. Measured on the version's first golden case (full-length rows): warm-up calls, then the
 * median of {@link #RUNS}.
 */
final class LatencyBudgetCheck {
    static final int WARMUP = 2;
    static final int RUNS = 5;

    private LatencyBudgetCheck() {}

    /** @return the median milliseconds per call, or 0 without a budget (nothing measured) */
    static double verify(ModelVersion version, OnnxEncoder encoder, double budgetMs) {
        if (budgetMs <= 0) {
            return 0;
        }
        EncoderInputs inputs = GoldenCheck.firstCaseInputs(version);
        double[] millis = new double[RUNS];
        try {
            for (int i = 0; i < WARMUP; i++) {
                encoder.score(inputs);
            }
            for (int i = 0; i < RUNS; i++) {
                long start = System.nanoTime();
                encoder.score(inputs);
                millis[i] = (System.nanoTime() - start) / 1e6;
            }
        } catch (OrtException e) {
            throw new ModelLoadException(version.version() + ": timing its golden batch failed: " + e.getMessage(), e);
        }
        Arrays.sort(millis);
        double median = millis[RUNS / 2];
        if (median > budgetMs) {
            throw new ModelLoadException(String.format("%s: one scoring call of its golden batch takes %.3f ms "
                    + "(median of %d on %s), over model.latency-budget-ms = %s", version.version(), median, RUNS,
                    encoder.provider(), budgetMs));
        }
        return median;
    }
}
