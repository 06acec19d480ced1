package io.nextitem.items;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * What one item's rule costs in a checkpoint of the items stage's broadcast state (each subtask
 * writes its whole copy): the rule must stay a Flink POJO (field-wise, not Kryo), and an item with
 * a category under 30 bytes in all, so 10^6 items under a rule write under 30 MB per subtask.
 */
class ItemRuleStateSizeTest {
    @Test
    void aRuleIsAPojoAndAnItemUnderARuleCheckpointsInUnder30Bytes() throws Exception {
        assertThat(org.apache.flink.api.common.typeinfo.TypeInformation.of(ItemRule.class)).isInstanceOf(PojoTypeInfo.class);
        ItemRulesFunction.RULES.initializeSerializerUnlessSet(new ExecutionConfig());
        TypeSerializer<String> keys = ItemRulesFunction.RULES.getKeySerializer();
        TypeSerializer<ItemRule> rules = ItemRulesFunction.RULES.getValueSerializer();

        DataOutputSerializer out = new DataOutputSerializer(64);
        int items = 1_000_000;
        for (int i = 0; i < items; i++) {
            ItemRule rule = ItemRulesFixtures.inCategory("c" + (i % 500));
            rule.available = i % 5 != 0;
            keys.serialize("sku-" + i, out);
            rules.serialize(rule, out);
        }
        double bytesPerItem = (double) out.length() / items;
        System.out.printf("item rules in a checkpoint: %.1f bytes per item (id 'sku-N', category 'cNNN'), %.1f MB at 10^6%n",
                bytesPerItem, out.length() / 1e6);
        assertThat(bytesPerItem).isLessThan(30);
    }
}
