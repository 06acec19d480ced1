package io.nextitem.items;

import io.nextitem.avro.ItemUpdate;
import java.util.Objects;

/**
 * What the job keeps of an item's newest {@link ItemUpdate}: only what decides whether a list may
 * hold it (the reason text and update time stay on the topic). A Flink POJO, so the broadcast
 * state serialises it field by field (ItemRuleStateSizeTest measures an entry).
 */
public class ItemRule {
    public boolean available = true;
    public boolean blocked;
    /** null: counts against no category cap. */
    public String category;
    /** Epoch ms; null: no start (a null costs a checkpoint one byte, a long eight). */
    public Long validFromMillis;
    /** Epoch ms, exclusive; null: no end. */
    public Long validUntilMillis;

    public ItemRule() {}

    public static ItemRule of(ItemUpdate update) {
        ItemRule rule = new ItemRule();
        rule.available = update.getAvailable();
        rule.blocked = update.getBlocked();
        rule.category = update.getCategory();
        rule.validFromMillis = update.getValidFromMillis();
        rule.validUntilMillis = update.getValidUntilMillis();
        return rule;
    }

    /** Whether a list emitted at {@code nowMillis} (wall clock) may hold the item. */
    public boolean allowsAt(long nowMillis) {
        return available && !blocked && (validFromMillis == null || nowMillis >= validFromMillis)
                && (validUntilMillis == null || nowMillis < validUntilMillis);
    }

    /** A rule that changes nothing (available, no category, no window) need not be held at all. */
    public boolean isNeutral() {
        return available && !blocked && category == null && validFromMillis == null && validUntilMillis == null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ItemRule r && available == r.available && blocked == r.blocked
                && Objects.equals(category, r.category) && Objects.equals(validFromMillis, r.validFromMillis)
                && Objects.equals(validUntilMillis, r.validUntilMillis);
    }

    @Override
    public int hashCode() {
        return Objects.hash(available, blocked, category, validFromMillis, validUntilMillis);
    }

    @Override
    public String toString() {
        return (blocked ? "blocked" : available ? "available" : "unavailable")
                + (category == null ? "" : ", category " + category)
                + (validFromMillis == null ? "" : ", from " + validFromMillis)
                + (validUntilMillis == null ? "" : ", until " + validUntilMillis);
    }
}
