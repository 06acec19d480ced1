package io.nextitem.demo;

import io.nextitem.avro.ClickEvent;
import io.nextitem.avro.RankedItem;
import io.nextitem.avro.Recommendation;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prequential HR@K and NDCG@K over a replay (EVALUATION.md, streaming protocol): the list a
 * user got after click n is judged by the item of the user's click n+1. Lists for a user's last
 * click have nothing to be judged by and are not counted.
 */
public final class PrequentialEvaluator {
    private final int k;
    /** trigger event id → the item the same user clicked next. */
    private final Map<String, String> nextItemByEvent = new HashMap<>();
    private long judged;
    private long hits;
    private double ndcgSum;

    public PrequentialEvaluator(List<ClickEvent> replayOrder, int k) {
        this.k = k;
        Map<String, String> lastEventByUser = new LinkedHashMap<>();
        for (ClickEvent click : replayOrder) {
            String previous = lastEventByUser.put(click.getUserId(), click.getEventId());
            if (previous != null) {
                nextItemByEvent.put(previous, click.getItemId());
            }
        }
    }

    public void accept(Recommendation recommendation) {
        String target = nextItemByEvent.get(recommendation.getTriggerEventId());
        if (target == null) {
            return;
        }
        judged++;
        List<RankedItem> items = recommendation.getItems();
        for (int i = 0; i < Math.min(k, items.size()); i++) {
            if (items.get(i).getItemId().equals(target)) {
                hits++;
                ndcgSum += 1.0 / (Math.log(i + 2) / Math.log(2));
                return;
            }
        }
    }

    public long judged() {
        return judged;
    }

    public double hitRate() {
        return judged == 0 ? 0 : (double) hits / judged;
    }

    public double ndcg() {
        return judged == 0 ? 0 : ndcgSum / judged;
    }
}
