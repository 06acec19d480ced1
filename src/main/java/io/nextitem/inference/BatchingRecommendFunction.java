package io.nextitem.inference;

import io.nextitem.avro.Recommendation;
import io.nextitem.config.ModelSettings;
import io.nextitem.sequence.ScoringRequest;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;

/**
 * Micro-batched scoring through Flink's async I/O: requests go to an {@link InferenceBatcher},
 * whose one thread scores up to model.batch-max-size of them per encoder call, waiting at most
 * model.batch-max-delay-ms for a batch to fill. Flink's async operator (ordered) keeps the
 * output in input order and checkpoints the requests in flight, so exactly-once output and the
 * per-user order stay Flink's. Swaps happen on the inference thread between two batches.
 *
 * <p>The Java work around the encoder call runs on the task thread, which has cycles to spare
 * while the inference thread is the bottleneck: ids are looked up in {@link #asyncInvoke} (in
 * the version serving then; a request caught by a swap is looked up again in the new one), and
 * each list is ranked in the mailbox when its answer arrives ({@code ResultFuture.complete} with
 * a supplier). Measured on 2 cores: with both on the inference thread they took about 40% of
 * its time (src/site/results/bench/task-thread-ranking/README.md).
 * Metrics: those of {@link ServedModel} ({@code inferenceMicros} per batch), plus
 * {@code batchSize} and {@code queueDelayMicros} (how long a batch's first request waited).
 */
public class BatchingRecommendFunction extends RichAsyncFunction<ScoringRequest, Recommendation> implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;

    private final ModelSettings settings;
    private transient ServedModel served;
    private transient InferenceBatcher batcher;
    private transient ServedVersionState servedVersion;

    public BatchingRecommendFunction(ModelSettings settings) {
        this.settings = settings;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        servedVersion = new ServedVersionState(context);
    }

    @Override
    public void open(OpenContext openContext) {
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        served = servedVersion.open(settings, getRuntimeContext());
        Histogram batchSize = metrics.histogram("batchSize", new DescriptiveStatisticsHistogram(1000));
        Histogram queueDelay = metrics.histogram("queueDelayMicros", new DescriptiveStatisticsHistogram(1000));
        batcher = new InferenceBatcher(settings.batchMaxSize, settings.batchMaxDelayMs * 1000, new InferenceBatcher.Owner() {
            @Override
            public ServingLineup beforeBatch() {
                return served.swapIfReady();
            }

            @Override
            public void afterBatch(int size, long queueDelayMicros, long inferenceMicros) {
                batchSize.update(size);
                queueDelay.update(queueDelayMicros);
                served.recordInferenceMicros(inferenceMicros);
            }
        }, "inference-batcher-" + subtask);
    }

    @Override
    public void asyncInvoke(ScoringRequest request, ResultFuture<Recommendation> resultFuture) {
        batcher.submit(served.current().prepare(request), answered -> resultFuture.complete(() -> rank(answered)),
                resultFuture::completeExceptionally);
    }

    /** On the task thread (the mailbox), in input order: the list (and a shadow list), and their counts. */
    private List<Recommendation> rank(ServingLineup.Answers answers) {
        return ArmLists.of(answers, served, System.currentTimeMillis());
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        servedVersion.snapshot(served);
    }

    @Override
    public void close() {
        if (batcher != null) {
            batcher.close();
        }
        if (served != null) {
            served.close();
        }
    }
}
