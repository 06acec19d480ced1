package io.nextitem.items;

/**
 * One record of items.topic, in the order of its partition: the item's new rule, or null for a
 * tombstone (its rules removed). The position tells the items stage how far it has read, so it
 * can hold lists back until it has read the topic to its end at start; a dead-lettered record
 * still moves it ({@link #positionOnly}), or a bad last record would hold every list forever.
 */
public class ItemRuleChange {
    /** null: a record that changed no rule (it was dead-lettered); only its position counts. */
    public String itemId;
    /** null: the item's rules are removed. */
    public ItemRule rule;
    public int partition;
    public long offset;

    public ItemRuleChange() {}

    public ItemRuleChange(String itemId, ItemRule rule, int partition, long offset) {
        this.itemId = itemId;
        this.rule = rule;
        this.partition = partition;
        this.offset = offset;
    }

    public static ItemRuleChange positionOnly(int partition, long offset) {
        return new ItemRuleChange(null, null, partition, offset);
    }

    public boolean changesRules() {
        return itemId != null;
    }

    @Override
    public String toString() {
        return itemId + " -> " + (rule == null ? "removed" : rule) + " @" + partition + "/" + offset;
    }
}
