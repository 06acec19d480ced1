package io.nextitem.items;

import static io.nextitem.items.ItemRulesFixtures.blocked;
import static io.nextitem.items.ItemRulesFixtures.deep;
import static io.nextitem.items.ItemRulesFixtures.ids;
import static io.nextitem.items.ItemRulesFixtures.unavailable;
import static org.assertj.core.api.Assertions.assertThat;

import io.nextitem.avro.Recommendation;
import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithNonKeyedOperator;
import org.apache.flink.streaming.util.BroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/** The items stage on Flink's broadcast operator harness: holding back, filtering, state across a restore. */
class ItemRulesFunctionTest {
    private static final int TOP_K = 3;

    private static BroadcastOperatorTestHarness<Recommendation, ItemRuleChange, Recommendation> harness(
            Map<Integer, Long> topicEnd) throws Exception {
        return ProcessFunctionTestHarnesses.forBroadcastProcessFunction(
                new ItemRulesFunction(TOP_K, 0, () -> topicEnd, () -> 1_000L),
                ItemRulesFunction.RULES, ItemRulesFunction.READ_TO);
    }

    /** Not opened: for a restore, which must come first. */
    private static BroadcastOperatorTestHarness<Recommendation, ItemRuleChange, Recommendation> unopened(
            Map<Integer, Long> topicEnd) throws Exception {
        return new BroadcastOperatorTestHarness<>(new CoBroadcastWithNonKeyedOperator<>(
                new ItemRulesFunction(TOP_K, 0, () -> topicEnd, () -> 1_000L),
                List.of(ItemRulesFunction.RULES, ItemRulesFunction.READ_TO)), 1, 1, 0);
    }

    private static ItemRuleChange change(String item, ItemRule rule, int partition, long offset) {
        return new ItemRuleChange(item, rule, partition, offset);
    }

    private static List<List<String>> lists(BroadcastOperatorTestHarness<Recommendation, ItemRuleChange, Recommendation> h) {
        return h.extractOutputValues().stream().map(ItemRulesFixtures::ids).toList();
    }

    @Test
    void holdsListsUntilTheTopicIsReadToItsEndAtStartThenFiltersThem() throws Exception {
        try (var h = harness(Map.of(0, 5L, 1, 2L))) {
            h.processElement(deep("u1", 6, 0), 1L);
            h.processBroadcastElement(change("m0", blocked(), 0, 5L), 1L);
            h.processElement(deep("u2", 6, 0), 1L);
            assertThat(h.extractOutputValues()).as("partition 1 not read to offset 2 yet").isEmpty();

            h.processBroadcastElement(change("m1", unavailable(), 1, 1L), 1L);
            assertThat(h.extractOutputValues()).isEmpty();
            h.processBroadcastElement(ItemRuleChange.positionOnly(1, 2L), 1L); // a dead-lettered last record
            assertThat(lists(h)).as("both held lists, under both rules").containsExactly(
                    List.of("m2", "m3", "m4"), List.of("m2", "m3", "m4"));

            h.processBroadcastElement(change("m1", null, 1, 3L), 1L); // tombstone: m1 may come back
            h.processElement(deep("u3", 6, 0), 1L);
            assertThat(lists(h).get(2)).containsExactly("m1", "m2", "m3");
        }
    }

    @Test
    void anEmptyTopicHoldsNothing() throws Exception {
        try (var h = harness(Map.of())) {
            h.processElement(deep("u1", 6, 0), 1L);
            assertThat(lists(h)).containsExactly(List.of("m0", "m1", "m2"));
        }
    }

    @Test
    void rulesAndHeldListsSurviveARestoreAndANewEndIsWaitedFor() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(Map.of(0, 1L))) {
            h.processBroadcastElement(change("m0", blocked(), 0, 0L), 1L);
            h.processElement(deep("u1", 6, 0), 1L); // held: offset 1 not read yet
            snapshot = h.snapshot(1L, 1L);
        }
        // Restarted from the checkpoint; meanwhile the topic grew to offset 3.
        try (var h = unopened(Map.of(0, 3L))) {
            h.initializeState(snapshot);
            h.open();
            h.processElement(deep("u2", 6, 0), 1L);
            h.processBroadcastElement(change("m2", unavailable(), 0, 1L), 1L);
            assertThat(h.extractOutputValues()).as("offset 3 not read yet").isEmpty();
            h.processBroadcastElement(change("m3", unavailable(), 0, 3L), 1L);
            assertThat(h.extractOutputValues()).extracting(Recommendation::getUserId).containsExactlyInAnyOrder("u1", "u2");
            assertThat(lists(h)).allSatisfy(list -> assertThat(list).containsExactly("m1", "m4", "m5"));
        }
    }
}
