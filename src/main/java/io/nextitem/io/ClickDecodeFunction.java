package io.nextitem.io;

import io.nextitem.avro.ClickEvent;
import io.nextitem.avro.DeadLetter;
import io.nextitem.avro.DeadLetterReason;
import io.nextitem.config.DecoderSettings;
import java.util.EnumMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decodes raw click records. Valid clicks go to the main output; everything else goes to
 * {@link #DEAD_LETTERS} with its reason and original bytes. Bad input never throws here, so
 * it can never fail or restart the job.
 *
 * <p>Metrics: {@code clicksAccepted}, {@code deadLetters}, and {@code deadLetters} per
 * {@code reason} group, so operators can alert on one kind of breakage.
 */
public class ClickDecodeFunction extends ProcessFunction<RawRecord, ClickEvent> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {
        private static final long serialVersionUID = 1L;
    };

    private final DecoderSettings settings;
    private transient ClickEventDecoder decoder;
    private transient Counter accepted;
    private transient Counter deadLetters;
    private transient Map<DeadLetterReason, Counter> deadLettersByReason;

    public ClickDecodeFunction(DecoderSettings settings) {
        this.settings = settings;
    }

    @Override
    public void open(OpenContext openContext) {
        decoder = new ClickEventDecoder(settings, new ClickEventValidator(settings, System::currentTimeMillis));
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        accepted = metrics.counter("clicksAccepted");
        deadLetters = metrics.counter("deadLetters");
        deadLettersByReason = new EnumMap<>(DeadLetterReason.class);
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            deadLettersByReason.put(reason, metrics.addGroup("reason", reason.name()).counter("deadLetters"));
        }
    }

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<ClickEvent> out) {
        DecodeOutcome outcome = decoder.decode(raw.value);
        if (outcome instanceof DecodeOutcome.Accepted acceptedEvent) {
            accepted.inc();
            out.collect(acceptedEvent.event());
        } else {
            DecodeOutcome.Rejected rejected = (DecodeOutcome.Rejected) outcome;
            deadLetters.inc();
            deadLettersByReason.get(rejected.reason()).inc();
            ctx.output(DEAD_LETTERS, DeadLetters.of(raw, rejected, System.currentTimeMillis()));
        }
    }
}
