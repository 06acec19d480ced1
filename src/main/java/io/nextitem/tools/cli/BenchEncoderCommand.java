package io.nextitem.tools.cli;

import io.nextitem.tools.bench.EncoderBenchmarkReport;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The bare ONNX Runtime ceiling of a model version, written as a result file. */
@Command(name = "bench-encoder", mixinStandardHelpOptions = true,
        description = "Time the encoder call alone (ONNX Runtime, no Kafka or state) on full-length synthetic "
                + "requests and write the figures as JSON.")
final class BenchEncoderCommand implements Callable<Integer> {
    @Option(names = "--version", required = true, description = "Model version folder (manifest.json, model.onnx, ...).")
    Path version;

    @Option(names = "--batch-sizes", split = ",", defaultValue = "1,16,64", description = "Default: ${DEFAULT-VALUE}.")
    int[] batchSizes;

    @Option(names = "--threads", defaultValue = "1", description = "ONNX Runtime intra-op threads. Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(names = "--provider", defaultValue = "auto", description = "auto (CUDA if it loads, else CPU), cuda or cpu. Default: ${DEFAULT-VALUE}.")
    String provider;

    @Option(names = "--warmup", defaultValue = "5", description = "Untimed calls per batch size. Default: ${DEFAULT-VALUE}.")
    int warmup;

    @Option(names = "--repetitions", defaultValue = "30", description = "Timed calls per batch size (at least 5). Default: ${DEFAULT-VALUE}.")
    int repetitions;

    @Option(names = "--out", description = "Result JSON file (default: print only).")
    Path out;

    @Option(names = "--note", defaultValue = "", description = "Free text for the result, e.g. what else ran on the machine.")
    String note;

    @Override
    public Integer call() throws Exception {
        if (repetitions < 5 || warmup < 0 || threads < 1 || batchSizes.length == 0
                || java.util.Arrays.stream(batchSizes).anyMatch(b -> b < 1)) {
            throw new IllegalArgumentException("--repetitions must be at least 5, --warmup at least 0, --threads and "
                    + "every --batch-sizes value at least 1");
        }
        if (!java.util.Set.of("auto", "cuda", "cpu").contains(provider)) {
            throw new IllegalArgumentException("--provider must be auto, cuda or cpu, got " + provider);
        }
        String json = EncoderBenchmarkReport.measure(version, batchSizes, provider, threads, warmup, repetitions, out, note);
        System.out.println(json);
        return 0;
    }
}
