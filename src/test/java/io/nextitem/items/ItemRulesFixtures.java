package io.nextitem.items;

import io.nextitem.avro.ItemUpdate;
import io.nextitem.avro.RankedItem;
import io.nextitem.avro.Recommendation;
import io.nextitem.avro.RecommendationSource;
import java.util.ArrayList;
import java.util.List;

/** Rules and deep lists for the items stage's tests. */
final class ItemRulesFixtures {
    private ItemRulesFixtures() {}

    static ItemRule unavailable() {
        ItemRule rule = new ItemRule();
        rule.available = false;
        return rule;
    }

    static ItemRule blocked() {
        ItemRule rule = new ItemRule();
        rule.blocked = true;
        return rule;
    }

    static ItemRule inCategory(String category) {
        ItemRule rule = new ItemRule();
        rule.category = category;
        return rule;
    }

    static ItemRule window(long fromMillis, long untilMillis) {
        ItemRule rule = new ItemRule();
        rule.validFromMillis = fromMillis;
        rule.validUntilMillis = untilMillis;
        return rule;
    }

    static ItemUpdate.Builder update(String itemId) {
        return ItemUpdate.newBuilder().setItemId(itemId).setUpdatedAtMillis(1L);
    }

    /** A MODEL list of model items m0..m(model-1), then popularity items p0..p(filled-1) flagged filled. */
    static Recommendation deep(String user, int model, int filled) {
        List<RankedItem> items = new ArrayList<>();
        for (int i = 0; i < model; i++) {
            items.add(new RankedItem("m" + i, 10f - i, items.size() + 1, false));
        }
        for (int i = 0; i < filled; i++) {
            items.add(new RankedItem("p" + i, 100f - i, items.size() + 1, true));
        }
        return Recommendation.newBuilder().setUserId(user).setTriggerEventId("e-" + user).setItems(items)
                .setModelName("sasrec").setModelVersion("v1")
                .setSource(model > 0 ? RecommendationSource.MODEL : RecommendationSource.POPULARITY)
                .setEventTimeMillis(1L).setEmitTimeMillis(2L).build();
    }

    static List<String> ids(Recommendation list) {
        return list.getItems().stream().map(RankedItem::getItemId).toList();
    }
}
