package io.nextitem.tools.demo;

import static io.nextitem.testing.Clicks.click;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.nextitem.avro.ClickEvent;
import io.nextitem.avro.RankedItem;
import io.nextitem.avro.Recommendation;
import io.nextitem.avro.RecommendationSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrequentialEvaluatorTest {
    private static Recommendation listFor(ClickEvent trigger, String... items) {
        List<RankedItem> ranked = new ArrayList<>();
        for (int i = 0; i < items.length; i++) {
            ranked.add(new RankedItem(items[i], 1f, i + 1, false));
        }
        return new Recommendation(trigger.getUserId(), trigger.getEventId(), ranked, "m", "v",
                RecommendationSource.MODEL, 0L, 0L, trigger.getItemId(), io.nextitem.avro.ServingArm.SERVING, null);
    }

    @Test
    void judgesEachListByTheUsersNextClick() {
        ClickEvent a1 = click("a", "x", 1);
        ClickEvent b1 = click("b", "x", 2);
        ClickEvent a2 = click("a", "y", 3);
        ClickEvent b2 = click("b", "z", 4);
        ClickEvent a3 = click("a", "w", 5);
        PrequentialEvaluator judge = new PrequentialEvaluator(List.of(a1, b1, a2, b2, a3), 10);

        judge.accept(listFor(a1, "y", "q"));        // hit at rank 1: NDCG 1
        judge.accept(listFor(b1, "q", "r", "z"));   // hit at rank 3: NDCG 1/log2(4) = 0.5
        judge.accept(listFor(a2, "q"));             // miss
        judge.accept(listFor(a3, "w"));             // last click of a: nothing to judge by
        judge.accept(listFor(b2, "q"));             // last click of b

        assertThat(judge.judged()).isEqualTo(3);
        assertThat(judge.hitRate()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(judge.ndcg()).isCloseTo(1.5 / 3, within(1e-12));
        assertThat(judge.byVersion()).containsOnlyKeys("v");
        assertThat(judge.byVersion().get("v").judged()).isEqualTo(3);
    }

    @Test
    void eachVersionIsJudgedOnTheListsItServed() {
        ClickEvent a1 = click("a", "x", 1);
        ClickEvent a2 = click("a", "y", 2);
        ClickEvent a3 = click("a", "z", 3);
        PrequentialEvaluator judge = new PrequentialEvaluator(List.of(a1, a2, a3), 10);
        judge.accept(listFor(a1, "y"));                  // v: hit
        Recommendation fromV2 = listFor(a2, "q");        // v2: miss
        fromV2.setModelVersion("v2");
        judge.accept(fromV2);

        assertThat(judge.byVersion().get("v").hitRate()).isEqualTo(1.0);
        assertThat(judge.byVersion().get("v2").hitRate()).isZero();
        assertThat(judge.hitRate()).isEqualTo(0.5);
    }

    @Test
    void hitsBeyondKDoNotCount() {
        ClickEvent a1 = click("a", "x", 1);
        ClickEvent a2 = click("a", "y", 2);
        PrequentialEvaluator judge = new PrequentialEvaluator(List.of(a1, a2), 2);
        judge.accept(listFor(a1, "p", "q", "y"));
        assertThat(judge.hitRate()).isZero();
    }
}
