package io.nextitem.inference;

import io.nextitem.ann.SharedItemIndexes;
import io.nextitem.avro.RecommendationSource;
import io.nextitem.config.ModelSettings;
import io.nextitem.model.ModelLoadException;
import io.nextitem.model.ModelRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model version one inference subtask serves, shared by the per-event and the batching
 * recommend operators: which version starts (the checkpointed one on restore), the registry
 * watcher and the swap, and the metrics. Not thread-safe: {@link #swapIfReady()} runs on the
 * one thread that scores and {@link #record} on one thread (the task thread; the scoring thread
 * when that is the task thread); {@link #current()} and {@link #servingFolder()} may be read
 * from any thread (the field is volatile).
 *
 * <p>Metrics: {@code executionProvider} (CUDA/CPU, as text) and {@code executionProviderIsGpu}
 * (1/0, for Prometheus), {@code modelVersion}, {@code modelSwaps}, {@code modelVersionsRefused}
 * (a published version that failed a check; the log line says which and why),
 * {@code recommendationsFromModel}, {@code recommendationsFromPopularity}, {@code unknownItems},
 * {@code unknownUsers} (scored with user_idx 0 by a model that reads it: a rising count means
 * the served version is stale), {@code unknownCategories} (items scored with category 0: missing
 * on the event or new to the version), {@code nonFiniteScores} (requests the model answered with
 * NaN or infinite scores, served from popularity instead: any is a broken version, roll it back),
 * {@code inferenceMicros} (per call: one request, or one batch), {@code inferenceOverBudget} (calls
 * slower than model.latency-budget-ms, when set), {@code searchIsApproximate} (1 when the serving
 * version ranks by approximate search, model.search), {@code annIndexBytes} (approximate-search
 * index bytes this TaskManager holds, every subtask's shared; during a swap old and new together),
 * {@code searchExactItems} and {@code searchGraphsWalked} (how approximate search answers:
 * model.search-graphs, the version's index calibration; 0 and 0 under exact search),
 * {@code approximateRefetches} (searches run again deeper because seen items left too few
 * candidates), {@code approximateShortLists} (lists popularity finished even at the deepest search);
 * canary rollout: {@code canaryShare} (0 when none runs), {@code canaryCandidate} (its version, text),
 * {@code lists} per {@code arm} (SERVING, CANDIDATE, SHADOW).
 */
final class ServedModel implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServedModel.class);

    private final ModelSettings settings;
    private volatile SequenceRecommender recommender;
    /** A canary's candidate and arms (model.updates-topic), or null. */
    private volatile SequenceRecommender candidate;
    private volatile Rollout.Canary canary;
    private Counter listsServing;
    private Counter listsCandidate;
    private Counter listsShadow;
    private ModelRegistryWatcher watcher;
    private Counter fromModel;
    private Counter fromPopularity;
    private Counter unknownItems;
    private Counter unknownUsers;
    private Counter unknownCategories;
    private Counter nonFiniteScores;
    private Counter overBudget;
    private Counter swaps;
    private Counter refusals;
    private Counter searchRefetches;
    private Counter searchShortLists;
    private Histogram inferenceMicros;

    ServedModel(ModelSettings settings, List<String> restoredVersions, MetricGroup metrics, int subtask) {
        this.settings = settings;
        this.recommender = openStartingVersion(restoredVersions);
        metrics.gauge("executionProvider", (Gauge<String>) () -> recommender.provider().name());
        metrics.gauge("executionProviderIsGpu", (Gauge<Integer>) () -> recommender.provider() == ExecutionProvider.CUDA ? 1 : 0);
        metrics.gauge("modelVersion", (Gauge<String>) () -> recommender.version().version());
        // Prometheus takes numbers only: the serving version as its creation time (it changes on every swap).
        metrics.gauge("modelVersionCreatedAtSeconds", (Gauge<Long>) () -> createdAtSeconds(recommender));
        fromModel = metrics.counter("recommendationsFromModel");
        fromPopularity = metrics.counter("recommendationsFromPopularity");
        unknownItems = metrics.counter("unknownItems");
        unknownUsers = metrics.counter("unknownUsers");
        unknownCategories = metrics.counter("unknownCategories");
        nonFiniteScores = metrics.counter("nonFiniteScores");
        overBudget = metrics.counter("inferenceOverBudget");
        swaps = metrics.counter("modelSwaps");
        refusals = metrics.counter("modelVersionsRefused");
        // Approximate search (model.search): which search the serving version runs, the bytes of
        // every index this TaskManager holds (shared by its subtasks; old and new during a swap),
        // and how often seen items made a search go deeper or left a list to popularity.
        metrics.gauge("searchIsApproximate", (Gauge<Integer>) () -> recommender.searchesApproximately() ? 1 : 0);
        metrics.gauge("annIndexBytes", (Gauge<Long>) () -> SharedItemIndexes.process().heldBytes());
        // and how it searches: the exact scan's size, and whether graphs are walked after it
        metrics.gauge("searchExactItems", (Gauge<Integer>) () -> recommender.searchPlan() == null ? 0
                : recommender.searchPlan().exactItems());
        metrics.gauge("searchGraphsWalked", (Gauge<Integer>) () -> recommender.searchPlan() != null
                && recommender.searchPlan().walkGraphs() ? 1 : 0);
        // Canary rollout (model.updates-topic): its share (0: none), and the lists of each arm.
        metrics.gauge("canaryShare", (Gauge<Double>) () -> candidate == null || canary == null ? 0.0 : canary.share());
        metrics.gauge("canaryCandidate", (Gauge<String>) () -> candidate == null ? "" : candidate.version().version());
        listsServing = metrics.addGroup("arm", "SERVING").counter("lists");
        listsCandidate = metrics.addGroup("arm", "CANDIDATE").counter("lists");
        listsShadow = metrics.addGroup("arm", "SHADOW").counter("lists");
        searchRefetches = metrics.counter("approximateRefetches");
        searchShortLists = metrics.counter("approximateShortLists");
        inferenceMicros = metrics.histogram("inferenceMicros", new DescriptiveStatisticsHistogram(1000));
        if (settings.watchIntervalMs > 0) {
            watcher = new ModelRegistryWatcher(settings, servingFolder(), (folder, reason) -> refusals.inc(), subtask == 0)
                    .start("model-registry-watcher-" + subtask);
        }
    }

    /**
     * The checkpointed version when restoring and it is still in the registry and passes its
     * checks, else model.version. If that fails too there is nothing to serve, and restarting
     * cannot mend a file: the job fails once, restarts suppressed, with the reason (a restart
     * loop would hide it behind "recovering" on the dashboard).
     */
    private SequenceRecommender openStartingVersion(List<String> restoredVersions) {
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
        try {
            return SequenceRecommender.open(new ModelRegistry(Path.of(settings.registry)).resolve(settings.version), settings);
        } catch (RuntimeException e) {
            throw new SuppressRestartsException(new ModelLoadException("no model version to serve from "
                    + settings.registry + " (model.version " + settings.version + "): " + e.getMessage(), e));
        }
    }

    /**
     * What to score with now: a version or canary change the watcher prepared takes over here,
     * between two calls.
     */
    ServingLineup swapIfReady() {
        if (watcher != null) {
            SequenceRecommender next = watcher.takeReady();
            if (next != null) {
                SequenceRecommender previous = recommender;
                recommender = next;
                previous.close();
                swaps.inc();
            }
            ModelRegistryWatcher.CandidateChange change = watcher.takeCandidateChange();
            if (change != null) {
                SequenceRecommender previous = candidate;
                candidate = change.candidate();
                canary = change.canary();
                if (previous != null) {
                    previous.close();
                }
            }
        }
        return lineup();
    }

    ServingLineup lineup() {
        return new ServingLineup(recommender, candidate, canary);
    }

    /** Counts a list of an arm (the emitted ones, and shadow lists scored beside them). */
    void recordArm(io.nextitem.avro.ServingArm arm) {
        (switch (arm) {
            case SERVING -> listsServing;
            case CANDIDATE -> listsCandidate;
            case SHADOW -> listsShadow;
        }).inc();
    }

    /** The version serving now, for preparing requests on another thread than the one that swaps. */
    SequenceRecommender current() {
        return recommender;
    }

    void record(SequenceRecommender.Scored scored) {
        unknownItems.inc(scored.unknownItems());
        unknownCategories.inc(scored.unknownCategories());
        if (scored.userUnknown()) {
            unknownUsers.inc();
        }
        if (scored.nonFiniteScores()) {
            nonFiniteScores.inc();
            if (nonFiniteScores.getCount() == 1) {
                LOG.error("Model version {} answered NaN or infinite scores (request {}); such requests are served "
                        + "from popularity and counted in nonFiniteScores", recommender.version().version(),
                        scored.recommendation().getTriggerEventId());
            }
        }
        searchRefetches.inc(scored.searchRefetches());
        if (scored.searchShort()) {
            searchShortLists.inc();
        }
        (scored.recommendation().getSource() == RecommendationSource.MODEL ? fromModel : fromPopularity).inc();
    }

    void recordInferenceMicros(long micros) {
        inferenceMicros.update(micros);
        if (settings.latencyBudgetMs > 0 && micros > settings.latencyBudgetMs * 1000) {
            overBudget.inc();
        }
    }

    private static long createdAtSeconds(SequenceRecommender recommender) {
        try {
            return java.time.Instant.parse(recommender.version().manifest().createdAt()).getEpochSecond();
        } catch (RuntimeException e) {
            return 0; // a manifest without a parsable created_at
        }
    }

    String servingFolder() {
        return recommender.version().folder().getFileName().toString();
    }

    @Override
    public void close() {
        if (watcher != null) {
            watcher.close();
        }
        recommender.close();
        if (candidate != null) {
            candidate.close();
        }
    }
}
