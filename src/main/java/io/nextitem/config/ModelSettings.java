package io.nextitem.config;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Which model version serves, and how ONNX Runtime runs it. */
public class ModelSettings implements Serializable {
    private static final long serialVersionUID = 1L;

    static final Setting.Section<ModelSettings> SECTION = Setting.Section.of("model", config -> config.model);
    static final Setting<ModelSettings, String> REGISTRY = SECTION.key("registry").stringType()
            .requiredValue()
            .withDescription("Registry folder: one sub-folder per model version, named as its manifest's version "
                    + "(schemas/model/README.md).")
            .checkedBy(ConfigChecks.nonBlank())
            .field(m -> m.registry, (m, v) -> m.registry = v);
    static final Setting<ModelSettings, String> VERSION = SECTION.key("version").stringType()
            .defaultValue("latest")
            .withDescription("A version folder name, or latest for the newest by manifest created_at.")
            .checkedBy(ConfigChecks.nonBlank())
            .field(m -> m.version, (m, v) -> m.version = v);
    static final Setting<ModelSettings, Integer> TOP_K = SECTION.key("top-k").intType()
            .defaultValue(10)
            .withDescription("Items per recommendation. At most the version's top_k (its graph returns K' = top_k + "
                    + "max_seq_len candidates, of which up to max_seq_len may be items the user already clicked): a "
                    + "version that cannot fill the list is refused, at start and at a swap.")
            .checkedBy(ConfigChecks.between(1, 1000))
            .field(m -> m.topK, (m, v) -> m.topK = v);
    static final Setting<ModelSettings, String> EXECUTION_PROVIDER = SECTION.key("execution-provider").stringType()
            .defaultValue("auto")
            .withDescription("auto (CUDA when it loads, else CPU), cuda (fail without it) or cpu.")
            .checkedBy(ConfigChecks.oneOf(List.of("auto", "cuda", "cpu")))
            .field(m -> m.executionProvider, (m, v) -> m.executionProvider = v);
    static final Setting<ModelSettings, Integer> CUDA_DEVICE_ID = SECTION.key("cuda-device-id").intType()
            .defaultValue(0)
            .withDescription("The GPU (CUDA device ordinal) the CUDA provider runs on, when it is tried.")
            .checkedBy(ConfigChecks.between(0, 1023))
            .field(m -> m.cudaDeviceId, (m, v) -> m.cudaDeviceId = v);
    static final Setting<ModelSettings, Integer> INTRA_OP_THREADS = SECTION.key("intra-op-threads").intType()
            .defaultValue(1)
            .withDescription("ONNX Runtime intra-op threads per inference operator instance.")
            .checkedBy(ConfigChecks.between(1, 256))
            .field(m -> m.intraOpThreads, (m, v) -> m.intraOpThreads = v);
    static final Setting<ModelSettings, Long> WATCH_INTERVAL_MS = SECTION.key("watch-interval-ms").longType()
            .defaultValue(10_000L)
            .withDescription("How often each inference subtask looks in the registry for the version to serve (the "
                    + "newest, or the pinned one), in ms; when it changed, it is loaded and checked off the hot path "
                    + "(sha256, graph signature, golden parity, the fit to the job's settings) and swapped in with no "
                    + "restart. A version that fails a check is refused (log line + modelVersionsRefused). "
                    + "0 = never (serve the version found at start).")
            .checkedBy(Setting.Check.of("0, or at least 100", (key, value) -> value != 0 && value < 100
                    ? key + " is " + value + ": use 0 (no watching) or at least 100" : null))
            .field(m -> m.watchIntervalMs, (m, v) -> m.watchIntervalMs = v);
    static final Setting<ModelSettings, Integer> BATCH_MAX_SIZE = SECTION.key("batch-max-size").intType()
            .defaultValue(1)
            .withDescription("Requests per encoder call: 1 scores every click on its own (a map operator); more turns "
                    + "on micro-batching through Flink's async I/O, waiting at most model.batch-max-delay-ms for a batch "
                    + "to fill.")
            .checkedBy(ConfigChecks.between(1, 4096))
            .field(m -> m.batchMaxSize, (m, v) -> m.batchMaxSize = v);
    static final Setting<ModelSettings, Long> BATCH_MAX_DELAY_MS = SECTION.key("batch-max-delay-ms").longType()
            .defaultValue(5L)
            .withDescription("The longest a micro-batch waits to fill, in ms (the added latency under light load).")
            .checkedBy(ConfigChecks.between(0, 10_000))
            .field(m -> m.batchMaxDelayMs, (m, v) -> m.batchMaxDelayMs = v);
    static final Setting<ModelSettings, Double> LATENCY_BUDGET_MS = SECTION.key("latency-budget-ms").doubleType()
            .defaultValue(0.0)
            .withDescription("The longest a version may take for one scoring call of its golden full-length batch "
                    + "(median of 5 after warm-up, measured when it loads), in ms; a slower one is refused. Calls slower "
                    + "than this while serving count in the inferenceOverBudget metric. 0 = no budget.")
            .checkedBy(Setting.Check.of("0 or more", (key, value) -> !(value >= 0)
                    ? key + " is " + value + ": use 0 (no budget) or a positive number" : null))
            .field(m -> m.latencyBudgetMs, (m, v) -> m.latencyBudgetMs = v);
    static final Setting<ModelSettings, String> UPDATES_TOPIC = SECTION.key("updates-topic").stringType()
            .defaultValue("")
            .withDescription("Topic on the job's Kafka cluster where operators pin or unpin a version (ModelUpdate "
                    + "records, `nextitem model pin|unpin`); the newest command wins over model.version. Empty = the "
                    + "registry and model.version alone decide.")
            .field(m -> m.updatesTopic, (m, v) -> m.updatesTopic = v);
    public static final String SEARCH_EXACT = "exact";
    public static final String SEARCH_APPROXIMATE = "approximate";
    public static final String SEARCH_AUTO = "auto";
    static final Setting<ModelSettings, String> SEARCH = SECTION.key("search").stringType()
            .defaultValue(SEARCH_AUTO)
            .withDescription("How the catalogue is searched (docs/ann-search.md). exact: model.onnx scores every item. "
                    + "approximate: query.onnx gives the user's vector and the version's HNSW index (ann/, built by "
                    + "`nextitem.jar index`) finds the best items by inner product; a version without a valid index "
                    + "is refused. auto: approximate for a version that has an index and at least "
                    + "model.search-auto-min-items items, exact otherwise.")
            .checkedBy(ConfigChecks.oneOf(List.of(SEARCH_EXACT, SEARCH_APPROXIMATE, SEARCH_AUTO)))
            .field(m -> m.search, (m, v) -> m.search = v);
    static final Setting<ModelSettings, Integer> SEARCH_AUTO_MIN_ITEMS = SECTION.key("search-auto-min-items").intType()
            .defaultValue(100_000)
            .withDescription("The catalogue size from which model.search auto searches approximately: below it, "
                    + "scoring every item costs little and is exact.")
            .checkedBy(ConfigChecks.between(1, Integer.MAX_VALUE))
            .field(m -> m.searchAutoMinItems, (m, v) -> m.searchAutoMinItems = v);
    static final Setting<ModelSettings, Integer> SEARCH_EF = SECTION.key("search-ef").intType()
            .defaultValue(50)
            .withDescription("Candidates the HNSW search keeps (ef) in approximate search, in the longest norm band it "
                    + "walks (shorter bands are walked less deep, as far as they can still reach the list): more finds "
                    + "more of the exact top-K and costs more. With the default model.search-exact-items the default "
                    + "kept recall@10 above 0.95 on a trained 10^6-item catalogue (docs/scaling.md); with "
                    + "model.search-exact-items 0 every band is walked and a deeper search is needed, measure with "
                    + "the bench's scaling stage. At least model.top-k plus the user's seen items are fetched anyway.")
            .checkedBy(ConfigChecks.between(1, 10_000))
            .field(m -> m.searchEf, (m, v) -> m.searchEf = v);
    static final Setting<ModelSettings, Integer> SEARCH_MAX_CANDIDATES = SECTION.key("search-max-candidates").intType()
            .defaultValue(2_000)
            .withDescription("The deepest approximate search goes: when seen items leave fewer than model.top-k "
                    + "candidates, it searches again twice as deep up to this many; what is still missing is filled "
                    + "from popularity (counted in approximateShortLists).")
            .checkedBy(ConfigChecks.between(1, 100_000))
            .field(m -> m.searchMaxCandidates, (m, v) -> m.searchMaxCandidates = v);
    static final Setting<ModelSettings, Integer> SEARCH_EXACT_ITEMS = SECTION.key("search-exact-items").intType()
            .defaultValue(100_000)
            .withDescription("In approximate search, this many of the longest item vectors are scored exactly (one "
                    + "batched matrix multiply in ONNX Runtime) instead of through their graphs; the graphs of the "
                    + "rest are walked only as far as their longest norm can still reach the K-th item found. "
                    + "Trained catalogues keep most of every list among their longest items (docs/ann-search.md). "
                    + "0 searches every band in its graph.")
            .checkedBy(ConfigChecks.between(0, 10_000_000))
            .field(m -> m.searchExactItems, (m, v) -> m.searchExactItems = v);
    public static final String GRAPHS_AUTO = "auto";
    public static final String GRAPHS_WALKED = "true";
    public static final String GRAPHS_SKIPPED = "false";
    static final Setting<ModelSettings, String> SEARCH_GRAPHS = SECTION.key("search-graphs").stringType()
            .defaultValue(GRAPHS_AUTO)
            .withDescription("In approximate search: whether the graphs of the items outside the exact scan are "
                    + "walked. true: the scan of model.search-exact-items, then the graphs. false: the scan alone "
                    + "answers: faster, but an item outside it never reaches a list, so recall is what the catalogue "
                    + "keeps among its longest items. auto: false with the scan size the version's index was "
                    + "calibrated to (`nextitem.jar index --queries`: the smallest scan that reached its target "
                    + "recall@10 on the version's own queries, in ann/index.json), true for an index without a "
                    + "calibration or whose target needed more than its largest scan.")
            .checkedBy(ConfigChecks.oneOf(List.of(GRAPHS_AUTO, GRAPHS_WALKED, GRAPHS_SKIPPED)))
            .field(m -> m.searchGraphs, (m, v) -> m.searchGraphs = v);
    static final List<Setting<ModelSettings, ?>> SETTINGS = List.of(REGISTRY, VERSION, TOP_K, EXECUTION_PROVIDER,
            CUDA_DEVICE_ID, INTRA_OP_THREADS, WATCH_INTERVAL_MS, BATCH_MAX_SIZE, BATCH_MAX_DELAY_MS,
            LATENCY_BUDGET_MS, UPDATES_TOPIC, SEARCH, SEARCH_AUTO_MIN_ITEMS, SEARCH_EF, SEARCH_MAX_CANDIDATES,
            SEARCH_EXACT_ITEMS, SEARCH_GRAPHS);

    public String registry = REGISTRY.defaultValue();
    public String version = VERSION.defaultValue();
    public int topK = TOP_K.defaultValue();
    public String executionProvider = EXECUTION_PROVIDER.defaultValue();
    public int cudaDeviceId = CUDA_DEVICE_ID.defaultValue();
    public int intraOpThreads = INTRA_OP_THREADS.defaultValue();
    public long watchIntervalMs = WATCH_INTERVAL_MS.defaultValue();
    public int batchMaxSize = BATCH_MAX_SIZE.defaultValue();
    public long batchMaxDelayMs = BATCH_MAX_DELAY_MS.defaultValue();
    public double latencyBudgetMs = LATENCY_BUDGET_MS.defaultValue();
    public String updatesTopic = UPDATES_TOPIC.defaultValue();
    public String search = SEARCH.defaultValue();
    public int searchAutoMinItems = SEARCH_AUTO_MIN_ITEMS.defaultValue();
    public int searchEf = SEARCH_EF.defaultValue();
    public int searchMaxCandidates = SEARCH_MAX_CANDIDATES.defaultValue();
    public int searchExactItems = SEARCH_EXACT_ITEMS.defaultValue();
    public String searchGraphs = SEARCH_GRAPHS.defaultValue();

    // Not settings of their own: handed over by JobConfig#validated() from the keys they mirror.
    /** The job's Kafka cluster and client properties (kafka.*), where model.updates-topic lives. */
    public String updatesBootstrapServers;
    public Map<String, String> updatesClientProperties = new LinkedHashMap<>();
    /** sequence.max-length: a version whose max_seq_len is longer cannot serve (ServingInvariants). */
    public int sequenceMaxLength = SequenceSettings.MAX_LENGTH.defaultValue();
    /**
     * items.candidate-depth with items.topic set, else 0: candidates the recommend stage passes on
     * beyond top-k (model first, then as many from popularity), for the items stage to filter and cut.
     */
    public int extraCandidates;
    /** canary.auto and canary.share: new versions start as canaries of this share instead of swapping in. */
    public boolean canaryAuto;
    public double canaryShare = 0.1;

    public boolean readsUpdates() {
        return updatesTopic != null && !updatesTopic.isBlank();
    }

    void validate(List<String> errors) {
        Setting.checkAll(SETTINGS, this, errors);
    }
}
