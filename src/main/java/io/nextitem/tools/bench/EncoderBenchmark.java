package io.nextitem.tools.bench;

import ai.onnxruntime.OrtException;
import io.nextitem.inference.EncoderInputs;
import io.nextitem.inference.OnnxEncoder;
import io.nextitem.model.ModelVersion;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The bare ONNX Runtime ceiling for one model version: the encoder call alone (no Kafka, Avro or
 * state), timed per batch after a warm-up. What the job's own throughput is compared against.
 */
final class EncoderBenchmark {
    private EncoderBenchmark() {}

    /** Timings of one batch size: every repetition's wall time, and its summary. */
    record BatchTiming(int batchSize, double[] millis) {
        Map<String, Object> summary() {
            double[] sorted = millis.clone();
            Arrays.sort(sorted);
            double median = percentile(sorted, 50);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("batch_size", batchSize);
            out.put("repetitions", sorted.length);
            out.put("batch_millis_median", round(median));
            out.put("batch_millis_p5", round(percentile(sorted, 5)));
            out.put("batch_millis_p95", round(percentile(sorted, 95)));
            out.put("request_micros_median", round(median * 1000.0 / batchSize));
            out.put("requests_per_second_median", round(batchSize * 1000.0 / median));
            return out;
        }
    }

    static List<BatchTiming> run(ModelVersion version, OnnxEncoder encoder, int[] batchSizes, int warmup, int repetitions)
            throws OrtException {
        List<BatchTiming> timings = new ArrayList<>();
        for (int batchSize : batchSizes) {
            EncoderInputs inputs = SyntheticRequests.batch(version.manifest(), batchSize, 17L * batchSize);
            for (int i = 0; i < warmup; i++) {
                encoder.score(inputs);
            }
            double[] millis = new double[repetitions];
            for (int i = 0; i < repetitions; i++) {
                long started = System.nanoTime();
                encoder.score(inputs);
                millis[i] = (System.nanoTime() - started) / 1e6;
            }
            timings.add(new BatchTiming(batchSize, millis));
        }
        return timings;
    }

    /** Nearest-rank percentile of sorted values. */
    static double percentile(double[] sorted, double percent) {
        int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static double round(double value) {
        return Math.round(value * 1000.0) / 1000.0;
    }
}
