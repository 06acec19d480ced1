package io.nextitem.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Which model version serves, and how ONNX Runtime runs it. */
public class ModelSettings implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Registry directory: one sub-folder per model version (see schemas/model/README.md). */
    public String registry;
    /** A version folder name, or "latest" for the newest by manifest created_at. */
    public String version = "latest";
    /** Items per recommendation (at most the version's top_k). */
    public int topK = 10;
    /** auto (CUDA when it loads, else CPU) | cuda (fail without it) | cpu. */
    public String executionProvider = "auto";
    /** The GPU (CUDA device ordinal) the CUDA provider runs on, when it is tried. */
    public int cudaDeviceId = 0;
    /** ONNX Runtime intra-op threads per inference operator instance. */
    public int intraOpThreads = 1;
    /**
     * How often each inference subtask looks in the registry for the version to serve (the newest,
     * or the pinned one) and, when it changed, loads and checks it off the hot path and swaps it
     * in; 0 = never (serve the version found at start).
     */
    public long watchIntervalMs = 10_000;
    /**
     * Requests per encoder call: 1 scores every click on its own (a map operator); more turns on
     * micro-batching through Flink's async I/O, waiting at most batch-max-delay-ms for a batch to
     * fill (the added latency under light load).
     */
    public int batchMaxSize = 1;
    public long batchMaxDelayMs = 5;
    /**
     * The longest a version may take for one scoring call of its golden full-length batch
     * (median of 5 after warm-up, measured when it loads); a slower one is refused (a new version
     * is not swapped in, a starting one fails the start). Calls slower than this while serving
     * count in the inferenceOverBudget metric. 0 = no budget.
     */
    public double latencyBudgetMs = 0;
    /**
     * Topic on the job's Kafka cluster where operators pin or unpin a version (ModelUpdate
     * records, `nextitem model pin|unpin`); the newest command wins over model.version. Empty =
     * the registry and model.version alone decide.
     */
    public String updatesTopic = "";
    /** The job's Kafka cluster and client properties, handed over by {@link JobConfig#validated()}. */
    @JsonIgnore
    public String updatesBootstrapServers;
    @JsonIgnore
    public Map<String, String> updatesClientProperties = new LinkedHashMap<>();

    public boolean readsUpdates() {
        return updatesTopic != null && !updatesTopic.isBlank();
    }

    void validate(List<String> errors) {
        ConfigChecks.nonBlank(errors, "model.registry", registry);
        ConfigChecks.nonBlank(errors, "model.version", version);
        ConfigChecks.between(errors, "model.top-k", topK, 1, 1000);
        ConfigChecks.between(errors, "model.intra-op-threads", intraOpThreads, 1, 256);
        ConfigChecks.between(errors, "model.cuda-device-id", cudaDeviceId, 0, 1023);
        ConfigChecks.between(errors, "model.batch-max-size", batchMaxSize, 1, 4096);
        ConfigChecks.between(errors, "model.batch-max-delay-ms", batchMaxDelayMs, 0, 10_000);
        if (!(latencyBudgetMs >= 0)) {
            errors.add("model.latency-budget-ms is " + latencyBudgetMs + ": use 0 (no budget) or a positive number");
        }
        if (watchIntervalMs != 0 && watchIntervalMs < 100) {
            errors.add("model.watch-interval-ms is " + watchIntervalMs + ": use 0 (no watching) or at least 100");
        }
        if (!List.of("auto", "cuda", "cpu").contains(executionProvider)) {
            errors.add("model.execution-provider is '" + executionProvider + "': use auto, cuda or cpu");
        }
    }
}
