package io.nextitem.items;

import io.nextitem.avro.Recommendation;
import io.nextitem.io.AvroCodecs;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The items stage: holds every item's rules as broadcast state (each subtask a full copy,
 * checkpointed with everything else) and cuts each deep candidate list from the recommend stage
 * to top-K under them ({@link ListRules}). At start it holds lists back (in operator state, so a
 * checkpoint keeps them) until it has read items.topic as far as it reached when the subtask
 * opened ({@link ItemsReadTarget}): a block written before a start or restart holds from the
 * first list. Only items whose rules change something are held; an update back to plain
 * available removes the entry, so the state grows with the items under a rule, not the catalogue.
 *
 * <p>Metrics: {@code itemRules} (items held), {@code itemRulesCaughtUp} (1 once read to the
 * start's end), {@code listsHeldForItems}, {@code itemsLeftOut} (not allowed now),
 * {@code itemsCappedOut} (category full), {@code listsShortFilled} (popularity filled places the
 * model had ranked), {@code listsShortOfTopK}.
 */
public class ItemRulesFunction extends BroadcastProcessFunction<Recommendation, ItemRuleChange, Recommendation>
        implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ItemRulesFunction.class);

    /** Item id -> rule; the broadcast state every subtask holds whole. */
    public static final MapStateDescriptor<String, ItemRule> RULES =
            new MapStateDescriptor<>("item-rules", Types.STRING, TypeInformation.of(ItemRule.class));
    /** Partition of items.topic -> offset of the last record applied. */
    public static final MapStateDescriptor<Integer, Long> READ_TO =
            new MapStateDescriptor<>("items-read-to", Types.INT, Types.LONG);

    /** A serialisable wall clock (tests pass their own). */
    @FunctionalInterface
    public interface Clock extends Serializable {
        long millis();
    }

    /** Where items.topic ends at start; a serialisable source of it (tests pass a fixed one). */
    @FunctionalInterface
    public interface ReadTarget extends Serializable {
        Map<Integer, Long> lastOffsets();
    }

    private final int topK;
    private final int maxPerCategory;
    private final ReadTarget readTarget;
    private final Clock clock;

    private transient Map<Integer, Long> target;
    private transient Map<Integer, Long> readTo;
    private transient boolean caughtUp;
    private transient ListState<Recommendation> held;
    private transient long heldCount;
    private transient long ruleCount;
    private transient Counter leftOut;
    private transient Counter cappedOut;
    private transient Counter shortFilled;
    private transient Counter shortOfTopK;

    public ItemRulesFunction(int topK, int maxPerCategory, ReadTarget readTarget, Clock clock) {
        this.topK = topK;
        this.maxPerCategory = maxPerCategory;
        this.readTarget = readTarget;
        this.clock = clock;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        AvroCodecs.useGeneratedCoders();
        held = context.getOperatorStateStore().getListState(
                new ListStateDescriptor<>("lists-held-for-items", new AvroTypeInfo<>(Recommendation.class)));
        heldCount = 0;
        for (Recommendation ignored : held.get()) {
            heldCount++;
        }
        ruleCount = 0;
        for (var ignored : context.getOperatorStateStore().getBroadcastState(RULES).entries()) {
            ruleCount++;
        }
        readTo = new HashMap<>();
        for (Map.Entry<Integer, Long> e : context.getOperatorStateStore().getBroadcastState(READ_TO).entries()) {
            readTo.put(e.getKey(), e.getValue());
        }
    }

    @Override
    public void open(OpenContext openContext) {
        target = readTarget.lastOffsets();
        caughtUp = readAll();
        LOG.info("items stage: {} item rules restored, read to {}; the topic ends at {}: {}", ruleCount, readTo, target,
                caughtUp ? "serving" : "holding lists until read that far");
        var metrics = getRuntimeContext().getMetricGroup();
        metrics.gauge("itemRules", () -> ruleCount);
        metrics.gauge("itemRulesCaughtUp", () -> caughtUp ? 1 : 0);
        metrics.gauge("listsHeldForItems", () -> heldCount);
        leftOut = metrics.counter("itemsLeftOut");
        cappedOut = metrics.counter("itemsCappedOut");
        shortFilled = metrics.counter("listsShortFilled");
        shortOfTopK = metrics.counter("listsShortOfTopK");
    }

    @Override
    public void processElement(Recommendation deep, ReadOnlyContext ctx, Collector<Recommendation> out) throws Exception {
        if (!caughtUp) {
            held.add(deep);
            heldCount++;
            return;
        }
        emit(deep, ctx.getBroadcastState(RULES), out);
    }

    @Override
    public void processBroadcastElement(ItemRuleChange change, Context ctx, Collector<Recommendation> out) throws Exception {
        BroadcastState<String, ItemRule> rules = ctx.getBroadcastState(RULES);
        if (change.changesRules()) {
            boolean had = rules.contains(change.itemId);
            if (change.rule == null || change.rule.isNeutral()) {
                if (had) {
                    rules.remove(change.itemId);
                    ruleCount--;
                }
            } else {
                rules.put(change.itemId, change.rule);
                if (!had) {
                    ruleCount++;
                }
            }
        }
        ctx.getBroadcastState(READ_TO).put(change.partition, change.offset);
        readTo.put(change.partition, change.offset);
        if (!caughtUp && readAll()) {
            caughtUp = true;
            LOG.info("items stage: read items to {} ({} item rules): releasing {} held lists", readTo, ruleCount, heldCount);
            for (Recommendation deep : held.get()) {
                emit(deep, rules, out);
            }
            held.clear();
            heldCount = 0;
        }
    }

    private boolean readAll() {
        for (Map.Entry<Integer, Long> end : target.entrySet()) {
            if (readTo.getOrDefault(end.getKey(), -1L) < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    private void emit(Recommendation deep, ReadOnlyBroadcastState<String, ItemRule> rules, Collector<Recommendation> out) {
        ListRules.Applied applied = ListRules.apply(deep, itemId -> {
            try {
                return rules.get(itemId);
            } catch (Exception e) { // heap broadcast state does not throw; the interface says it may
                throw new IllegalStateException("cannot read the rules of item " + itemId, e);
            }
        }, clock.millis(), topK, maxPerCategory);
        leftOut.inc(applied.leftOut());
        cappedOut.inc(applied.cappedOut());
        if (applied.shortFilled()) {
            shortFilled.inc();
        }
        if (applied.shortOfTopK(topK)) {
            shortOfTopK.inc();
        }
        out.collect(applied.list());
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) {
        // the broadcast state and the held lists are Flink state already: nothing else to write
    }
}
