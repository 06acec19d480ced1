package io.nextitem.inference;

import io.nextitem.avro.Recommendation;
import io.nextitem.avro.RecommendationSource;
import io.nextitem.config.ModelSettings;
import io.nextitem.model.ModelRegistry;
import io.nextitem.model.ModelVersion;
import io.nextitem.sequence.ScoringRequest;
import java.nio.file.Path;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * Scores each sequence with the served model version and emits the recommendation.
 *
 * <p>Metrics: {@code executionProvider} (CUDA/CPU, as text) and {@code executionProviderIsGpu}
 * (1/0, for Prometheus), {@code modelVersion}, {@code recommendationsFromModel},
 * {@code recommendationsFromPopularity}, {@code unknownItems}, {@code unknownUsers} (scored with
 * user_idx 0 by a model that reads it: a rising count means the served version is stale),
 * {@code unknownCategories} (items scored with category 0: missing on the event or new to the
 * version),
 * {@code inferenceMicros}.
 */
public class RecommendFunction extends RichMapFunction<ScoringRequest, Recommendation> {
    private static final long serialVersionUID = 1L;

    private final ModelSettings settings;
    private transient SequenceRecommender recommender;
    private transient Counter fromModel;
    private transient Counter fromPopularity;
    private transient Counter unknownItems;
    private transient Counter unknownUsers;
    private transient Counter unknownCategories;
    private transient Histogram inferenceMicros;

    public RecommendFunction(ModelSettings settings) {
        this.settings = settings;
    }

    @Override
    public void open(OpenContext openContext) {
        Path folder = new ModelRegistry(Path.of(settings.registry)).resolve(settings.version);
        ModelVersion version = ModelVersion.load(folder);
        OnnxEncoder encoder = new OnnxEncoder(version, settings.executionProvider, settings.intraOpThreads);
        recommender = new SequenceRecommender(version, encoder, settings.topK);

        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        String provider = recommender.provider().name();
        metrics.gauge("executionProvider", (Gauge<String>) () -> provider);
        metrics.gauge("executionProviderIsGpu", (Gauge<Integer>) () -> recommender.provider() == ExecutionProvider.CUDA ? 1 : 0);
        metrics.gauge("modelVersion", (Gauge<String>) () -> recommender.version().version());
        fromModel = metrics.counter("recommendationsFromModel");
        fromPopularity = metrics.counter("recommendationsFromPopularity");
        unknownItems = metrics.counter("unknownItems");
        unknownUsers = metrics.counter("unknownUsers");
        unknownCategories = metrics.counter("unknownCategories");
        inferenceMicros = metrics.histogram("inferenceMicros", new DescriptiveStatisticsHistogram(1000));
    }

    @Override
    public Recommendation map(ScoringRequest request) throws Exception {
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
    public void close() {
        if (recommender != null) {
            recommender.close();
        }
    }
}
