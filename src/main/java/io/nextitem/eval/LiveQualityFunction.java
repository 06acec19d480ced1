package io.nextitem.eval;

import io.nextitem.avro.LiveJudgement;
import io.nextitem.avro.Recommendation;
import io.nextitem.avro.ServingArm;
import io.nextitem.io.AvroCodecs;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import io.nextitem.config.SequenceSettings;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.util.OutputTag;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Live quality per model version, on the recommendations the job writes: each user's previous
 * list is judged by the click that triggered the user's next list (Recommendation.trigger_item_id).
 * Keyed by user on the stream as it leaves the recommend stage (same partitioning, no shuffle).
 *
 * <p>Metrics, per version in the group {@code modelVersion=<version>}: {@code liveJudged},
 * {@code liveHits10}, {@code liveNdcg10Sum} (sums: add them over subtasks), {@code liveHitRate10}
 * and {@code liveNdcg10} (this subtask's ratios, for the dashboard). Every judgement is also
 * emitted as a {@link LiveJudgement} record, for analysis after the fact (the job writes them to
 * {@code kafka.live-quality-topic} when that is set).
 */
public class LiveQualityFunction extends KeyedProcessFunction<String, Recommendation, LiveJudgement> {
    private static final long serialVersionUID = 1L;
    public static final int K = 10;

    /** The users' state lives as long as their sequence: the same TTL. */
    private final SequenceSettings sequence;
    private transient ValueState<Recommendation> previous;
    /** A shadow canary's previous list of the user: judged by the same next click, never emitted. */
    private transient ValueState<Recommendation> previousShadow;
    /** During a canary, the user's judged lists and hits per arm (by arm name) of the trial: the judge's units. */
    private transient MapState<String, ArmTally> tallies;

    /** Each judged list of a canary, as the change to its arm's user-level sums, for the canary judge. */
    public static final OutputTag<CanaryEvidenceDelta> CANARY_EVIDENCE = new OutputTag<>("canary-evidence") {
        private static final long serialVersionUID = 1L;
    };

    /** A user's tally in one arm of one trial. A Flink POJO. */
    public static class ArmTally {
        public String candidate;
        public long judged;
        public long hits;

        public ArmTally() {}
    }
    private transient Map<String, LiveQuality> byVersion;
    private transient MetricGroup metrics;

    public LiveQualityFunction(SequenceSettings sequence) {
        this.sequence = sequence;
    }

    @Override
    public void open(OpenContext openContext) {
        AvroCodecs.useGeneratedCoders();
        ValueStateDescriptor<Recommendation> descriptor =
                new ValueStateDescriptor<>("previous-recommendation", new AvroTypeInfo<>(Recommendation.class));
        descriptor.enableTimeToLive(sequence.stateTtl());
        previous = getRuntimeContext().getState(descriptor);
        ValueStateDescriptor<Recommendation> shadow =
                new ValueStateDescriptor<>("previous-shadow-recommendation", new AvroTypeInfo<>(Recommendation.class));
        shadow.enableTimeToLive(sequence.stateTtl());
        previousShadow = getRuntimeContext().getState(shadow);
        MapStateDescriptor<String, ArmTally> tally = new MapStateDescriptor<>("canary-tallies", Types.STRING,
                TypeInformation.of(ArmTally.class));
        tally.enableTimeToLive(sequence.stateTtl());
        tallies = getRuntimeContext().getMapState(tally);
        byVersion = new HashMap<>();
        metrics = getRuntimeContext().getMetricGroup();
    }

    @Override
    public void processElement(Recommendation current, Context ctx, Collector<LiveJudgement> out) throws Exception {
        // Emitted lists and shadow lists are judged apart, each by the user's next click.
        ValueState<Recommendation> previous = current.getArm() == ServingArm.SHADOW ? previousShadow : this.previous;
        Recommendation last = previous.value();
        // A late click (older than the list it would judge) says nothing about that list.
        if (last != null && !current.getTriggerItemId().isEmpty()
                && current.getEventTimeMillis() >= last.getEventTimeMillis()) {
            int rank = quality(last.getModelVersion()).judge(last.getItems(), current.getTriggerItemId());
            if (last.getCanaryCandidate() != null) {
                ctx.output(CANARY_EVIDENCE, tallied(last, rank > 0));
            }
            out.collect(LiveJudgement.newBuilder()
                    .setUserId(current.getUserId())
                    .setModelVersion(last.getModelVersion())
                    .setListEventId(last.getTriggerEventId())
                    .setListEventTimeMillis(last.getEventTimeMillis())
                    .setNextEventId(current.getTriggerEventId())
                    .setNextItemId(current.getTriggerItemId())
                    .setNextEventTimeMillis(current.getEventTimeMillis())
                    .setRank(rank)
                    .setNdcg(rank == 0 ? 0.0 : 1.0 / (Math.log(rank + 1) / Math.log(2)))
                    .setK(K)
                    .setArm(last.getArm().name())
                    .build());
        }
        if (last == null || current.getEventTimeMillis() >= last.getEventTimeMillis()) {
            previous.update(current);
        }
    }

    /** Adds a judged list of a trial to the user's tally in its arm; returns the change to the arm's sums. */
    private CanaryEvidenceDelta tallied(Recommendation list, boolean hit) throws Exception {
        String arm = list.getArm().name();
        ArmTally tally = tallies.get(arm);
        if (tally == null || !list.getCanaryCandidate().equals(tally.candidate)) {
            tally = new ArmTally(); // the user's first list in this arm of this trial
            tally.candidate = list.getCanaryCandidate();
        }
        CanaryEvidenceDelta delta = CanaryEvidenceDelta.of(tally.candidate,
                list.getArm() == ServingArm.SERVING ? list.getModelVersion() : null, arm, tally.hits, tally.judged, hit);
        tally.judged++;
        tally.hits += hit ? 1 : 0;
        tallies.put(arm, tally);
        return delta;
    }

    LiveQuality quality(String version) {
        return byVersion.computeIfAbsent(version, v -> {
            LiveQuality quality = new LiveQuality(K);
            MetricGroup group = metrics.addGroup("modelVersion", v);
            group.gauge("liveJudged", (Gauge<Long>) quality::judged);
            group.gauge("liveHits10", (Gauge<Long>) quality::hits);
            group.gauge("liveNdcg10Sum", (Gauge<Double>) quality::ndcgSum);
            group.gauge("liveHitRate10", (Gauge<Double>) quality::hitRate);
            group.gauge("liveNdcg10", (Gauge<Double>) quality::ndcg);
            return quality;
        });
    }
}
