package io.nextitem.inference;

import io.nextitem.model.ModelVersion;
import io.nextitem.sequence.ScoringRequest;
import java.util.Arrays;
import java.util.List;

/**
 * The contract inputs (schemas/model/README.md) of one scoring request, for the inputs the
 * version's graph declares: the newest {@code max_seq_len} items the model knows (unknown items
 * are skipped, and their times and categories with them), their event times in epoch seconds,
 * the query time, their category indices, and the user index. Unknown categories and users map
 * to 0, which every model scores without error; the counts feed the operator's metrics.
 *
 * @param inputs            the (1, L) batch, or null when no item of the sequence is known
 * @param unknownItems      items skipped because the version does not know them
 * @param userUnknown       the graph reads user_idx and the user is not in users.tsv
 * @param unknownCategories kept items whose category is missing or not in categories.tsv
 * @param seenIndices       the indices of every known item of the sequence (also those older
 *                          than the newest L), sorted: what the ranked list must leave out,
 *                          checked without mapping each candidate back to its id
 */
public record RequestInputs(EncoderInputs inputs, int unknownItems, boolean userUnknown, int unknownCategories,
                            long[] seenIndices) {

    private static final long MILLIS_PER_SECOND = 1000L;

    public static RequestInputs of(ScoringRequest request, ModelVersion version) {
        int capacity = Math.min(request.itemIds.length, version.manifest().maxSeqLen());
        int[] buffer = new int[capacity];
        long[] indexBuffer = new long[capacity];
        int unknownItems = 0;
        int filled = 0;
        // One walk back from the newest item: keep the known ones (each id looked up once: the
        // lookup is a hash of a fresh string from state, a visible share of the per-click cost),
        // count the unknown ones passed.
        int notWalked = request.itemIds.length; // positions below this were not looked up
        for (int i = request.itemIds.length - 1; i >= 0 && filled < capacity; i--) {
            notWalked = i;
            int index = version.items().indexOf(request.itemIds[i]);
            if (index == 0) {
                unknownItems++;
            } else {
                filled++;
                buffer[capacity - filled] = i;
                indexBuffer[capacity - filled] = index;
            }
        }
        int[] kept = Arrays.copyOfRange(buffer, capacity - filled, capacity);  // positions, oldest first
        long[] seenIndices = seenIndices(request, version, indexBuffer, capacity - filled, capacity, notWalked);
        if (kept.length == 0) {
            return new RequestInputs(null, unknownItems, false, 0, seenIndices);
        }
        List<String> declared = version.manifest().inputs();
        long[] items = Arrays.copyOfRange(indexBuffer, capacity - filled, capacity);
        EncoderInputs inputs = EncoderInputs.ofItems(new long[][] {items});
        if (declared.contains(EncoderInputs.TIME_SEQ)) {
            long[] seconds = new long[kept.length];
            for (int i = 0; i < kept.length; i++) {
                seconds[i] = Math.floorDiv(request.eventTimesMillis[kept[i]], MILLIS_PER_SECOND);
            }
            inputs.withSequence(EncoderInputs.TIME_SEQ, new long[][] {seconds});
        }
        if (declared.contains(EncoderInputs.QUERY_TIME)) {
            inputs.withPerRow(EncoderInputs.QUERY_TIME, new long[] {Math.floorDiv(queryTimeMillis(request), MILLIS_PER_SECOND)});
        }
        int unknownCategories = 0;
        if (version.categories() != null) {
            long[] categories = new long[kept.length];
            for (int i = 0; i < kept.length; i++) {
                categories[i] = version.categories().indexOf(request.categories[kept[i]]);
                unknownCategories += categories[i] == 0 ? 1 : 0;
            }
            inputs.withSequence(EncoderInputs.CAT_SEQ, new long[][] {categories});
        }
        boolean userUnknown = false;
        if (version.users() != null) {
            long userIdx = version.users().indexOf(request.userId);
            userUnknown = userIdx == 0;
            inputs.withPerRow(EncoderInputs.USER_IDX, new long[] {userIdx});
        }
        return new RequestInputs(inputs, unknownItems, userUnknown, unknownCategories, seenIndices);
    }

    /**
     * The kept indices plus those of known items older than the walk reached (a sequence longer
     * than the model reads), sorted for binary search. Usually the sequence is no longer than
     * max_seq_len and this is one sort of at most L longs.
     */
    private static long[] seenIndices(ScoringRequest request, ModelVersion version, long[] indexBuffer, int from, int to,
                                      int notWalked) {
        long[] seen = Arrays.copyOfRange(indexBuffer, from, to);
        int extra = 0;
        long[] older = null;
        for (int i = 0; i < notWalked; i++) {
            int index = version.items().indexOf(request.itemIds[i]);
            if (index != 0) {
                if (older == null) {
                    older = new long[notWalked];
                }
                older[extra++] = index;
            }
        }
        if (extra > 0) {
            seen = Arrays.copyOf(seen, seen.length + extra);
            System.arraycopy(older, 0, seen, seen.length - extra, extra);
        }
        Arrays.sort(seen);
        return seen;
    }

    /**
     * The request is scored as of its newest event: the sequence is ordered by event time, so
     * that is its last entry (the trigger itself unless it arrived out of order). The trainer
     * uses the newest input event's time the same way.
     */
    static long queryTimeMillis(ScoringRequest request) {
        long[] times = request.eventTimesMillis;
        return times.length == 0 ? request.eventTimeMillis : Math.max(request.eventTimeMillis, times[times.length - 1]);
    }
}
