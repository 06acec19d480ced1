package io.nextitem.items;

import io.nextitem.avro.DeadLetter;
import io.nextitem.io.ClickDecodeFunction;
import io.nextitem.io.DeadLetters;
import io.nextitem.io.DecodeOutcome;
import io.nextitem.io.RawRecord;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Decodes items.topic: accepted updates go on to the items stage (and of a bad one its position
 * only), bad ones to the dead-letter topic (side output {@link ClickDecodeFunction#DEAD_LETTERS}, the same sink as bad clicks) with
 * their reason and bytes. Metrics: {@code itemUpdatesAccepted}, {@code itemUpdatesDeadLettered}.
 */
public class ItemUpdateDecodeFunction extends ProcessFunction<RawRecord, ItemRuleChange> {
    private static final long serialVersionUID = 1L;

    private final int maxIdLength;
    private transient ItemUpdateDecoder decoder;
    private transient Counter accepted;
    private transient Counter deadLettered;

    public ItemUpdateDecodeFunction(int maxIdLength) {
        this.maxIdLength = maxIdLength;
    }

    @Override
    public void open(OpenContext openContext) {
        decoder = new ItemUpdateDecoder(maxIdLength);
        accepted = getRuntimeContext().getMetricGroup().counter("itemUpdatesAccepted");
        deadLettered = getRuntimeContext().getMetricGroup().counter("itemUpdatesDeadLettered");
    }

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<ItemRuleChange> out) {
        ItemUpdateDecoder.Outcome outcome = decoder.decode(raw);
        if (outcome instanceof ItemUpdateDecoder.Accepted ok) {
            accepted.inc();
            out.collect(ok.change());
        } else {
            ItemUpdateDecoder.Rejected rejected = (ItemUpdateDecoder.Rejected) outcome;
            deadLettered.inc();
            DeadLetter letter = DeadLetters.of(raw, new DecodeOutcome.Rejected(rejected.reason(), rejected.message()),
                    System.currentTimeMillis());
            ctx.output(ClickDecodeFunction.DEAD_LETTERS, letter);
            out.collect(ItemRuleChange.positionOnly(raw.partition, raw.offset));
        }
    }
}
