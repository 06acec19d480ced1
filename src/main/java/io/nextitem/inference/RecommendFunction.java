package io.nextitem.inference;

import io.nextitem.avro.Recommendation;
import io.nextitem.avro.RecommendationSource;
import io.nextitem.config.ModelSettings;
import io.nextitem.model.ModelRegistry;
import io.nextitem.sequence.ScoringRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores each sequence with the served model version and emits the recommendation.
 *
 * <p>Versions change without a restart: a {@link ModelRegistryWatcher} prepares a new version
 * off the hot path and the swap happens here, between two requests, on the task thread. The
 * folder name of the serving version is checkpointed, so after a failure the job comes back on
 * the version it was serving (and the watcher then moves on as usual), not on whatever is newest.
 *
 * <p>Metrics: {@code executionProvider} (CUDA/CPU, as text) and {@code executionProviderIsGpu}
 * (1/0, for Prometheus), {@code modelVersion}, {@code modelSwaps}, {@code modelVersionsRefused}
 * (a published version that failed a check; the log line says which and why),
 * {@code recommendationsFromModel}, {@code recommendationsFromPopularity}, {@code unknownItems},
 * {@code unknownUsers} (scored with user_idx 0 by a model that reads it: a rising count means
 * the served version is stale), {@code unknownCategories} (items scored with category 0: missing
 * on the event or new to the version), {@code inferenceMicros}.
 */
public class RecommendFunction extends RichMapFunction<ScoringRequest, Recommendation> implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(RecommendFunction.class);

    private final ModelSettings settings;
    private transient SequenceRecommender recommender;
    private transient ModelRegistryWatcher watcher;
    private transient ListState<String> servedVersionState;
    private transient List<String> restoredVersions;
    private transient Counter fromModel;
    private transient Counter fromPopularity;
    private transient Counter unknownItems;
    private transient Counter unknownUsers;
    private transient Counter unknownCategories;
    private transient Counter swaps;
    private transient Counter refusals;
    private transient Histogram inferenceMicros;

    public RecommendFunction(ModelSettings settings) {
        this.settings = settings;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        // Union state: after rescaling every subtask sees every entry and takes the same version.
        servedVersionState = context.getOperatorStateStore()
                .getUnionListState(new ListStateDescriptor<>("served-model-version", Types.STRING));
        restoredVersions = new ArrayList<>();
        if (context.isRestored()) {
            servedVersionState.get().forEach(restoredVersions::add);
        }
    }

    @Override
    public void open(OpenContext openContext) {
        recommender = openStartingVersion();

        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        metrics.gauge("executionProvider", (Gauge<String>) () -> recommender.provider().name());
        metrics.gauge("executionProviderIsGpu", (Gauge<Integer>) () -> recommender.provider() == ExecutionProvider.CUDA ? 1 : 0);
        metrics.gauge("modelVersion", (Gauge<String>) () -> recommender.version().version());
        fromModel = metrics.counter("recommendationsFromModel");
        fromPopularity = metrics.counter("recommendationsFromPopularity");
        unknownItems = metrics.counter("unknownItems");
        unknownUsers = metrics.counter("unknownUsers");
        unknownCategories = metrics.counter("unknownCategories");
        swaps = metrics.counter("modelSwaps");
        refusals = metrics.counter("modelVersionsRefused");
        inferenceMicros = metrics.histogram("inferenceMicros", new DescriptiveStatisticsHistogram(1000));

        if (settings.watchIntervalMs > 0) {
            String thread = "model-registry-watcher-" + getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
            watcher = new ModelRegistryWatcher(settings, servingFolder(), (folder, reason) -> refusals.inc()).start(thread);
        }
    }

    /**
     * The checkpointed version when restoring and it is still in the registry and passes its
     * checks, else model.version (whose failure fails the start: there is nothing to serve).
     */
    private SequenceRecommender openStartingVersion() {
        for (String restored : restoredVersions) {
            Path folder = Path.of(settings.registry).resolve(restored);
            if (!Files.isRegularFile(folder.resolve("manifest.json"))) {
                LOG.warn("Checkpointed model version {} is no longer in {}; serving {} instead", restored,
                        settings.registry, settings.version);
                continue;
            }
            try {
                return SequenceRecommender.open(folder, settings);
            } catch (RuntimeException e) {
                LOG.warn("Checkpointed model version {} fails its checks now ({}); serving {} instead", restored,
                        e.getMessage(), settings.version);
            }
        }
        return SequenceRecommender.open(new ModelRegistry(Path.of(settings.registry)).resolve(settings.version), settings);
    }

    private String servingFolder() {
        return recommender.version().folder().getFileName().toString();
    }

    @Override
    public Recommendation map(ScoringRequest request) throws Exception {
        if (watcher != null) {
            SequenceRecommender next = watcher.takeReady();
            if (next != null) {
                SequenceRecommender previous = recommender;
                recommender = next;
                previous.close();
                swaps.inc();
            }
        }
        long start = System.nanoTime();
        Recommendation recommendation = recommender.recommend(request, System.currentTimeMillis());
        inferenceMicros.update((System.nanoTime() - start) / 1000);
        unknownItems.inc(recommender.lastUnknownItems());
        unknownCategories.inc(recommender.lastUnknownCategories());
        if (recommender.lastUserUnknown()) {
            unknownUsers.inc();
        }
        (recommendation.getSource() == RecommendationSource.MODEL ? fromModel : fromPopularity).inc();
        return recommendation;
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        servedVersionState.update(List.of(servingFolder()));
    }

    @Override
    public void close() {
        if (watcher != null) {
            watcher.close();
        }
        if (recommender != null) {
            recommender.close();
        }
    }
}
