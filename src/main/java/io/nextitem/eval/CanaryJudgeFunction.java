package io.nextitem.eval;

import io.nextitem.avro.ModelUpdate;
import io.nextitem.avro.ModelUpdateAction;
import io.nextitem.config.CanarySettings;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Judges each canary (keyed by candidate version) on the live-quality stage's evidence: after
 * every judged list it reads the difference in HR@10 between the arms ({@link CanaryVerdict}) and,
 * the first time the evidence decides, logs the verdict with its figures and (with canary.auto)
 * emits it as a PROMOTE or ABORT record for model.updates-topic, where every recommend subtask
 * obeys it. Without canary.auto the log line is advice to the operator. Metrics: {@code canaryServingHitRate},
 * {@code canaryCandidateHitRate}, {@code canaryDifferenceLower}, {@code canaryDifferenceUpper},
 * {@code canaryCandidateJudged} (this subtask's latest trial), {@code canaryVerdicts}.
 */
public class CanaryJudgeFunction extends KeyedProcessFunction<String, CanaryEvidenceDelta, ModelUpdate> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(CanaryJudgeFunction.class);

    private final CanarySettings settings;
    private transient ValueState<CanaryEvidence> evidence;
    private transient volatile CanaryVerdict latest;
    private transient org.apache.flink.metrics.Counter verdicts;

    public CanaryJudgeFunction(CanarySettings settings) {
        this.settings = settings;
    }

    @Override
    public void open(OpenContext openContext) {
        evidence = getRuntimeContext().getState(new ValueStateDescriptor<>("canary-evidence",
                TypeInformation.of(CanaryEvidence.class)));
        var metrics = getRuntimeContext().getMetricGroup();
        metrics.gauge("canaryServingHitRate", (Gauge<Double>) () -> latest == null ? 0.0 : latest.servingHitRate());
        metrics.gauge("canaryCandidateHitRate", (Gauge<Double>) () -> latest == null ? 0.0 : latest.candidateHitRate());
        metrics.gauge("canaryDifferenceLower", (Gauge<Double>) () -> latest == null ? 0.0 : finite(latest.lower()));
        metrics.gauge("canaryDifferenceUpper", (Gauge<Double>) () -> latest == null ? 0.0 : finite(latest.upper()));
        metrics.gauge("canaryCandidateJudged", (Gauge<Long>) () -> latest == null ? 0L : latest.candidateJudged());
        verdicts = metrics.counter("canaryVerdicts");
    }

    private static double finite(double value) {
        return Double.isFinite(value) ? value : 0.0;
    }

    @Override
    public void processElement(CanaryEvidenceDelta delta, Context ctx, Collector<ModelUpdate> out) throws Exception {
        CanaryEvidence trial = evidence.value();
        if (trial == null) {
            trial = new CanaryEvidence();
        }
        if (trial.decided != null) {
            return;
        }
        (delta.treatment() ? trial.candidate : trial.serving).add(delta);
        if (!delta.treatment()) {
            trial.servingVersion = delta.servingVersion;
        }
        CanaryVerdict verdict = CanaryVerdict.of(trial.serving, trial.candidate, settings);
        latest = verdict;
        if (verdict.decision() != CanaryVerdict.Decision.CONTINUE) {
            trial.decided = verdict.decision().name();
            verdicts.inc();
            String candidate = ctx.getCurrentKey();
            LOG.info("Canary {} against {}: {} ({}){}", candidate, trial.servingVersion, verdict.decision(),
                    verdict.describe(), settings.auto ? "" : "; canary.auto is off: advice only, an operator decides");
            if (settings.auto) {
                out.collect(ModelUpdate.newBuilder()
                        .setAction(verdict.decision() == CanaryVerdict.Decision.PROMOTE
                                ? ModelUpdateAction.PROMOTE : ModelUpdateAction.ABORT)
                        .setVersion(candidate)
                        .setReason(verdict.describe())
                        .setIssuedBy("canary-judge")
                        .setIssuedAtMillis(System.currentTimeMillis())
                        .build());
            }
        }
        evidence.update(trial);
    }
}
