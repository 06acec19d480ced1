package io.nextitem.inference;

import io.nextitem.avro.Recommendation;
import io.nextitem.config.ModelSettings;
import io.nextitem.sequence.ScoringRequest;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;

/**
 * Scores each sequence on its own with the served model version (model.batch-max-size 1; the
 * batching operator is {@link BatchingRecommendFunction}) and emits the recommendation.
 *
 * <p>Versions change without a restart: a {@link ModelRegistryWatcher} prepares a new version
 * off the hot path and the swap happens here, between two requests, on the task thread. The
 * folder name of the serving version is checkpointed, so after a failure the job comes back on
 * the version it was serving (and the watcher then moves on as usual), not on whatever is newest.
 * Metrics: {@link ServedModel}.
 */
public class RecommendFunction extends RichFlatMapFunction<ScoringRequest, Recommendation> implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;

    private final ModelSettings settings;
    private transient ServedModel served;
    private transient ServedVersionState servedVersion;

    public RecommendFunction(ModelSettings settings) {
        this.settings = settings;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        servedVersion = new ServedVersionState(context);
    }

    @Override
    public void open(OpenContext openContext) {
        served = servedVersion.open(settings, getRuntimeContext());
    }

    /** One list per request; a shadow canary's user also gets the candidate's list, marked SHADOW (judged, not emitted). */
    @Override
    public void flatMap(ScoringRequest request, Collector<Recommendation> out) throws Exception {
        ServingLineup lineup = served.swapIfReady();
        long start = System.nanoTime();
        ServingLineup.Answers answers = lineup.answer(List.of(lineup.serving().prepare(request))).get(0);
        served.recordInferenceMicros((System.nanoTime() - start) / 1000);
        ArmLists.of(answers, served, System.currentTimeMillis()).forEach(out::collect);
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        servedVersion.snapshot(served);
    }

    @Override
    public void close() {
        if (served != null) {
            served.close();
        }
    }
}
