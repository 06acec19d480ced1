package io.nextitem.items;

import static io.nextitem.items.ItemRulesFixtures.blocked;
import static io.nextitem.items.ItemRulesFixtures.deep;
import static io.nextitem.items.ItemRulesFixtures.ids;
import static io.nextitem.items.ItemRulesFixtures.inCategory;
import static io.nextitem.items.ItemRulesFixtures.unavailable;
import static io.nextitem.items.ItemRulesFixtures.window;
import static org.assertj.core.api.Assertions.assertThat;

import io.nextitem.avro.RankedItem;
import io.nextitem.avro.RecommendationSource;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The cut of a deep list under the rules: model candidates first, then popularity, each filtered alike. */
class ListRulesTest {

    @Test
    void leavesOutUnavailableBlockedAndExpiredItemsAndKeepsKFromTheModel() {
        Map<String, ItemRule> rules = Map.of("m0", unavailable(), "m2", blocked(), "m3", window(0, 500),
                "m4", window(2_000, 3_000), "m5", window(500, 1_500));
        ListRules.Applied applied = ListRules.apply(deep("u", 10, 5), rules::get, 1_000, 4, 0);

        assertThat(ids(applied.list())).containsExactly("m1", "m5", "m6", "m7");
        assertThat(applied.list().getItems()).extracting(RankedItem::getRank).containsExactly(1, 2, 3, 4);
        assertThat(applied.list().getItems()).extracting(RankedItem::getScore).containsExactly(9f, 5f, 4f, 3f);
        assertThat(applied.leftOut()).isEqualTo(4);
        assertThat(applied.shortFilled()).isFalse();
        assertThat(applied.list().getSource()).isEqualTo(RecommendationSource.MODEL);
    }

    @Test
    void fillsFromPopularityFilteredAlikeWhenTheModelRunsOut() {
        Map<String, ItemRule> rules = Map.of("m1", unavailable(), "p0", blocked());
        ListRules.Applied applied = ListRules.apply(deep("u", 3, 4), rules::get, 0, 4, 0);

        assertThat(ids(applied.list())).containsExactly("m0", "m2", "p1", "p2");
        assertThat(applied.list().getItems()).extracting(RankedItem::getFilled).containsExactly(false, false, true, true);
        assertThat(applied.shortFilled()).isTrue();
        assertThat(applied.shortOfTopK(4)).isFalse();
    }

    @Test
    void aListOfOnlyFilteredModelItemsBecomesPopularityAndMayRunShort() {
        Map<String, ItemRule> rules = Map.of("m0", unavailable(), "m1", unavailable(), "p1", unavailable());
        ListRules.Applied applied = ListRules.apply(deep("u", 2, 2), rules::get, 0, 4, 0);

        assertThat(ids(applied.list())).containsExactly("p0");
        assertThat(applied.list().getSource()).isEqualTo(RecommendationSource.POPULARITY);
        assertThat(applied.shortOfTopK(4)).isTrue();
    }

    @Test
    void capsItemsPerCategoryAndCountsOnlyItemsThatAreAllowed() {
        Map<String, ItemRule> rules = Map.of("m0", inCategory("shoes"), "m1", inCategory("shoes"),
                "m2", inCategory("shoes"), "m3", inCategory("hats"), "m4", inCategory("shoes"));
        ListRules.Applied applied = ListRules.apply(deep("u", 8, 0), rules::get, 0, 5, 2);

        assertThat(ids(applied.list())).containsExactly("m0", "m1", "m3", "m5", "m6");
        assertThat(applied.cappedOut()).isEqualTo(2);

        ItemRule unavailableShoe = inCategory("shoes");
        unavailableShoe.available = false;
        Map<String, ItemRule> withGone = Map.of("m0", unavailableShoe, "m1", inCategory("shoes"), "m2", inCategory("shoes"));
        assertThat(ids(ListRules.apply(deep("u", 8, 0), withGone::get, 0, 3, 2).list())).containsExactly("m1", "m2", "m3");
    }

    @Test
    void withoutRulesTheListIsTheFirstKUnchanged() {
        ListRules.Applied applied = ListRules.apply(deep("u", 10, 10), id -> null, 0, 10, 0);
        assertThat(ids(applied.list())).containsExactly("m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9");
        assertThat(applied.leftOut()).isZero();
    }
}
