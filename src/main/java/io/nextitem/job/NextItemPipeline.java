package io.nextitem.job;

import io.nextitem.avro.ClickEvent;
import io.nextitem.avro.DeadLetter;
import io.nextitem.avro.LiveJudgement;
import io.nextitem.avro.ModelUpdate;
import io.nextitem.avro.Recommendation;
import io.nextitem.avro.ServingArm;
import io.nextitem.config.JobConfig;
import io.nextitem.eval.CanaryJudgeFunction;
import io.nextitem.eval.LiveQualityFunction;
import io.nextitem.inference.BatchingRecommendFunction;
import io.nextitem.inference.RecommendFunction;
import io.nextitem.items.ItemRuleChange;
import io.nextitem.items.ItemRulesFunction;
import io.nextitem.items.ItemUpdateDecodeFunction;
import io.nextitem.items.ItemsReadTarget;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import io.nextitem.io.ClickDecodeFunction;
import io.nextitem.io.RawRecord;
import io.nextitem.sequence.ScoringRequest;
import io.nextitem.sequence.UserSequenceFunction;
import io.nextitem.snapshot.SnapshotSink;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The loop's stages, wired: decode → key by user → sequence state → recommend → (with
 * items.topic) the items stage, which cuts lists under the item rules; and (with
 * snapshots.dir set) the sequence stage's training examples → snapshot files + manifests, and
 * the recommendations → live quality per model version (metrics). Sources and
 * sinks are passed in (as in flink-training), so the same wiring runs against Kafka in
 * production and in the ITCases. Every operator has a stable uid so savepoints survive changes.
 */
public final class NextItemPipeline {
    /** A batch that takes this long means inference is stuck: the job fails and recovers. */
    private static final long ASYNC_TIMEOUT_MS = 60_000;

    private NextItemPipeline() {}

    /** How long the items stage may take to find where items.topic ends when it opens. */
    private static final Duration ITEMS_END_TIMEOUT = Duration.ofSeconds(60);

    /**
     * @param rawItemUpdates items.topic as raw records, or null for no item rules
     * @param liveJudgements where each judged list goes as a record, or null for none (metrics only)
     * @param canaryVerdicts where the canary judge's PROMOTE and ABORT go (model.updates-topic, with
     *                       canary.auto), or null: the judge then only logs and measures
     */
    public static void wire(DataStream<RawRecord> rawClicks, DataStream<RawRecord> rawItemUpdates,
                            Sink<Recommendation> recommendations, Sink<DeadLetter> deadLetters,
                            Sink<LiveJudgement> liveJudgements, Sink<ModelUpdate> canaryVerdicts, JobConfig config) {
        SingleOutputStreamOperator<ClickEvent> clicks = rawClicks
                .process(new ClickDecodeFunction(config.decoder))
                .name("decode-clicks").uid("decode-clicks");
        DataStream<DeadLetter> rejected = clicks.getSideOutput(ClickDecodeFunction.DEAD_LETTERS);

        long snapshotIntervalMillis = config.snapshots.enabled() ? config.snapshots.intervalMinutes * 60_000L : 0L;
        SingleOutputStreamOperator<ScoringRequest> sequences = clicks.keyBy(ClickEvent::getUserId, Types.STRING)
                .process(new UserSequenceFunction(config.sequence, snapshotIntervalMillis))
                .name("user-sequence").uid("user-sequence");
        if (config.snapshots.enabled()) {
            SnapshotSink.wire(sequences.getSideOutput(UserSequenceFunction.TRAINING_EXAMPLES), config.snapshots);
        }
        SingleOutputStreamOperator<Recommendation> recommended = config.model.batchMaxSize > 1
                // Ordered: output in input order; in-flight requests are part of every checkpoint.
                ? AsyncDataStream.orderedWait(sequences, new BatchingRecommendFunction(config.model),
                                ASYNC_TIMEOUT_MS, TimeUnit.MILLISECONDS, 4 * config.model.batchMaxSize)
                        .name("recommend").uid("recommend") // same uid: a savepoint moves between the two modes
                : sequences.flatMap(new RecommendFunction(config.model)).name("recommend").uid("recommend");
        DataStream<Recommendation> served = recommended;
        if (rawItemUpdates != null) {
            // The recommend stage ranked model.top-k + items.candidate-depth deep (model.extraCandidates);
            // the items stage, forward-connected, cuts each list to model.top-k under the rules.
            SingleOutputStreamOperator<ItemRuleChange> changes = rawItemUpdates
                    .process(new ItemUpdateDecodeFunction(config.decoder.maxIdLength))
                    .name("decode-item-updates").uid("decode-item-updates")
                    // as the source: chained, so the updates reach the items stage in their
                    // partition's order (one item's updates must not overtake each other, and the
                    // stage's read position is the offset of the last record it got)
                    .setParallelism(1);
            rejected = rejected.union(changes.getSideOutput(ClickDecodeFunction.DEAD_LETTERS));
            ItemsReadTarget end = new ItemsReadTarget(config.kafka.bootstrapServers, config.kafka.clientProperties(),
                    config.items.topic, ITEMS_END_TIMEOUT);
            served = recommended
                    .connect(changes.broadcast(ItemRulesFunction.RULES, ItemRulesFunction.READ_TO))
                    .process(new ItemRulesFunction(config.model.topK, config.items.maxPerCategory, end::lastOffsets,
                            System::currentTimeMillis))
                    .name("item-rules").uid("item-rules");
        }
        rejected.sinkTo(deadLetters).name("dead-letter-sink").uid("dead-letter-sink");
        // A shadow canary's lists are judged (live quality, below) but never written.
        served.filter(list -> list.getArm() != ServingArm.SHADOW).name("emitted-lists").uid("emitted-lists")
                .sinkTo(recommendations).name("recommendation-sink").uid("recommendation-sink");
        // The recommend stage (and the items stage after it) keep the user partitioning of the keyed
        // sequence stage: no shuffle.
        SingleOutputStreamOperator<LiveJudgement> judged =
                DataStreamUtils.reinterpretAsKeyedStream(served, Recommendation::getUserId, Types.STRING)
                        .process(new LiveQualityFunction(config.sequence))
                        .name("live-quality").uid("live-quality");
        if (liveJudgements != null) {
            judged.sinkTo(liveJudgements).name("live-quality-sink").uid("live-quality-sink");
        }
        // Canaries: each judged list of a trial changes its arm's user-level sums; the judge,
        // keyed by candidate, reads the difference between the arms after every one.
        SingleOutputStreamOperator<ModelUpdate> verdicts = judged.getSideOutput(LiveQualityFunction.CANARY_EVIDENCE)
                .keyBy(delta -> delta.candidate, Types.STRING)
                .process(new CanaryJudgeFunction(config.canary))
                .name("canary-judge").uid("canary-judge");
        if (canaryVerdicts != null) {
            verdicts.sinkTo(canaryVerdicts).name("canary-verdict-sink").uid("canary-verdict-sink");
        }
    }
}
