package io.nextitem.items;

import io.nextitem.avro.RankedItem;
import io.nextitem.avro.Recommendation;
import io.nextitem.avro.RecommendationSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Cuts a deep candidate list (the model's candidates, then the popularity fill: see
 * RankedItem.filled) to top-K under the item rules: items not allowed now are left out, and at
 * most {@code maxPerCategory} items of one category are kept; the first K left, in the list's
 * order, are the list. So the model's candidates come first and popularity fills only what they
 * cannot. Pure: the items stage ({@link ItemRulesFunction}) gives it the rules and the time.
 */
public final class ListRules {
    private ListRules() {}

    /**
     * @param list        the list with its items renumbered 1..n, n at most topK
     * @param leftOut     items left out because a rule did not allow them now
     * @param cappedOut   items left out because their category was full
     * @param shortFilled the model ranked this list, yet popularity filled places in it
     */
    public record Applied(Recommendation list, int leftOut, int cappedOut, boolean shortFilled) {
        public boolean shortOfTopK(int topK) {
            return list.getItems().size() < topK;
        }
    }

    /** @param rules the rule of an item id, or null for an item without rules (allowed, no category) */
    public static Applied apply(Recommendation deep, Function<String, ItemRule> rules, long nowMillis, int topK,
                                int maxPerCategory) {
        List<RankedItem> kept = new ArrayList<>(topK);
        Map<String, Integer> perCategory = maxPerCategory > 0 ? new HashMap<>() : null;
        int leftOut = 0;
        int cappedOut = 0;
        boolean fromModel = false;
        boolean filled = false;
        for (RankedItem item : deep.getItems()) {
            if (kept.size() == topK) {
                break;
            }
            ItemRule rule = rules.apply(item.getItemId());
            if (rule != null && !rule.allowsAt(nowMillis)) {
                leftOut++;
                continue;
            }
            if (perCategory != null && rule != null && rule.category != null
                    && perCategory.merge(rule.category, 1, Integer::sum) > maxPerCategory) {
                cappedOut++;
                continue;
            }
            kept.add(new RankedItem(item.getItemId(), item.getScore(), kept.size() + 1, item.getFilled()));
            fromModel |= !item.getFilled();
            filled |= item.getFilled();
        }
        Recommendation list = Recommendation.newBuilder(deep)
                .setItems(kept)
                .setSource(fromModel ? deep.getSource() : RecommendationSource.POPULARITY)
                .build();
        return new Applied(list, leftOut, cappedOut, deep.getSource() == RecommendationSource.MODEL && filled);
    }
}
