package io.nextitem.inference;

import io.nextitem.avro.RankedItem;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Fills a top-K list best first, skipping items the user has already seen and duplicates: the
 * model's candidates first (up to {@code modelK}), then the popularity fill (up to {@code k}).
 * With item rules downstream both are deeper than model.top-k, so the rules can leave items out
 * and still keep K; without them both are K.
 *
 * <p>The model's candidates are checked by index against the sequence's sorted known indices
 * (a binary search, no string hashing): this runs once per candidate for every click. The
 * popularity fill, rarer, is checked by id, and builds its set of seen ids only when it runs.
 */
final class RankedListBuilder {
    private final int k;
    private final int modelK;
    private final long[] seenIndicesSorted;
    private final String[] seenItemIds;
    private final List<RankedItem> items;
    private Set<String> seenIds;

    /**
     * @param seenIndicesSorted the model indices of the sequence's known items, ascending
     * @param seenItemIds       every item id of the sequence, known to the model or not
     */
    RankedListBuilder(int k, long[] seenIndicesSorted, String[] seenItemIds) {
        this(k, k, seenIndicesSorted, seenItemIds);
    }

    /** @param modelK how many of the {@code k} places model candidates may take (the rest only popularity) */
    RankedListBuilder(int modelK, int k, long[] seenIndicesSorted, String[] seenItemIds) {
        if (modelK > k) {
            throw new IllegalArgumentException("model candidates (" + modelK + ") cannot exceed the list (" + k + ")");
        }
        this.k = k;
        this.modelK = modelK;
        this.seenIndicesSorted = seenIndicesSorted;
        this.seenItemIds = seenItemIds;
        this.items = new ArrayList<>(k);
    }

    /**
     * A model candidate: its index decides whether the user has seen it.
     *
     * @param itemId the index's id, or null for an index outside the vocabulary (skipped)
     * @return true while the list still has room for model candidates
     */
    boolean offerIndexed(long index, String itemId, float score) {
        if (items.size() < modelK && itemId != null && Arrays.binarySearch(seenIndicesSorted, index) < 0 && !taken(itemId)) {
            items.add(new RankedItem(itemId, score, items.size() + 1, false));
        }
        return items.size() < modelK;
    }

    /** A candidate by id only (the popularity fill). @return true while the list still has room */
    boolean offer(String itemId, float score) {
        if (items.size() < k && itemId != null && !seenIds().contains(itemId) && !taken(itemId)) {
            items.add(new RankedItem(itemId, score, items.size() + 1, true));
        }
        return items.size() < k;
    }

    /** Linear: the list holds at most k (tens of) items. */
    private boolean taken(String itemId) {
        for (RankedItem item : items) {
            if (item.getItemId().equals(itemId)) {
                return true;
            }
        }
        return false;
    }

    private Set<String> seenIds() {
        if (seenIds == null) {
            seenIds = new HashSet<>(Arrays.asList(seenItemIds));
        }
        return seenIds;
    }

    boolean isFull() {
        return items.size() >= k;
    }

    List<RankedItem> build() {
        return items;
    }
}
