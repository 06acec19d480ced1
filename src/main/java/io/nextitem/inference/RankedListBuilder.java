package io.nextitem.inference;

import io.nextitem.avro.RankedItem;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Fills a top-K list best first, skipping items the user has already seen and duplicates. */
final class RankedListBuilder {
    private final int k;
    private final Set<String> excluded;
    private final List<RankedItem> items;

    RankedListBuilder(int k, Collection<String> seenItemIds) {
        this.k = k;
        this.excluded = new HashSet<>(seenItemIds);
        this.items = new ArrayList<>(k);
    }

    /** @return true while the list still has room */
    boolean offer(String itemId, float score) {
        if (items.size() < k && itemId != null && excluded.add(itemId)) {
            items.add(new RankedItem(itemId, score, items.size() + 1));
        }
        return items.size() < k;
    }

    boolean isFull() {
        return items.size() >= k;
    }

    List<RankedItem> build() {
        return items;
    }
}
