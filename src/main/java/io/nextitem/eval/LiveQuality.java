package io.nextitem.eval;

import io.nextitem.avro.RankedItem;
import java.util.List;

/**
 * Prequential quality of one model version on the live stream (docs/evaluation.md, streaming
 * protocol): a list the version gave a user is judged by that user's next click, a hit when the
 * clicked item is among the first k, with NDCG 1/log2(rank + 1). Sums are kept so that subtasks
 * add up: HR@k = hits / judged, NDCG@k = ndcgSum / judged over all of them.
 */
public final class LiveQuality {
    private final int k;
    private long judged;
    private long hits;
    private double ndcgSum;

    public LiveQuality(int k) {
        this.k = k;
    }

    /** @return the 1-based rank of the clicked item within the first k, or 0 for a miss */
    public int judge(List<RankedItem> list, String clickedItemId) {
        judged++;
        for (int i = 0; i < Math.min(k, list.size()); i++) {
            if (list.get(i).getItemId().equals(clickedItemId)) {
                hits++;
                ndcgSum += 1.0 / (Math.log(i + 2) / Math.log(2));
                return i + 1;
            }
        }
        return 0;
    }

    public long judged() {
        return judged;
    }

    public long hits() {
        return hits;
    }

    public double ndcgSum() {
        return ndcgSum;
    }

    public double hitRate() {
        return judged == 0 ? 0.0 : (double) hits / judged;
    }

    public double ndcg() {
        return judged == 0 ? 0.0 : ndcgSum / judged;
    }
}
