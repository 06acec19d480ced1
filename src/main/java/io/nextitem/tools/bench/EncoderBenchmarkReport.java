package io.nextitem.tools.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.nextitem.inference.OnnxEncoder;
import io.nextitem.model.ModelVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Loads a version, runs {@link EncoderBenchmark} and writes its figures with what they hold for. */
public final class EncoderBenchmarkReport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private EncoderBenchmarkReport() {}

    /** @return the result as JSON, also written to {@code out} when it is not null */
    public static String measure(Path versionFolder, int[] batchSizes, String provider, int threads, int warmup,
                                 int repetitions, Path out) throws Exception {
        return measure(versionFolder, batchSizes, provider, threads, warmup, repetitions, out, "");
    }

    public static String measure(Path versionFolder, int[] batchSizes, String provider, int threads, int warmup,
                                 int repetitions, Path out, String note) throws Exception {
        ModelVersion version = ModelVersion.load(versionFolder);
        Map<String, Object> result = new LinkedHashMap<>();
        try (OnnxEncoder encoder = new OnnxEncoder(version, provider, threads)) {
            List<EncoderBenchmark.BatchTiming> timings = EncoderBenchmark.run(version, encoder, batchSizes, warmup, repetitions);
            result.put("benchmark", "bare ONNX Runtime encoder call (no Kafka, Avro or state)");
            result.put("model", version.name());
            result.put("model_version", version.version());
            result.put("inputs", version.manifest().inputs());
            result.put("num_items", version.manifest().numItems());
            result.put("max_seq_len", version.manifest().maxSeqLen());
            result.put("top_k_graph", version.manifest().topKGraph());
            result.put("requests", "full length: every row max_seq_len known items, no padding (SyntheticRequests)");
            result.put("execution_provider", encoder.provider().name());
            result.put("intra_op_threads", threads);
            result.put("warmup_calls", warmup);
            result.put("machine", MachineFacts.describe());
            result.put("taken_at", Instant.now().toString());
            result.put("timings", timings.stream().map(EncoderBenchmark.BatchTiming::summary).toList());
            if (note != null && !note.isBlank()) {
                result.put("note", note);
            }
        }
        String json = JSON.writeValueAsString(result);
        if (out != null) {
            if (out.getParent() != null) {
                Files.createDirectories(out.getParent());
            }
            Files.writeString(out, json + "\n");
        }
        return json;
    }
}
