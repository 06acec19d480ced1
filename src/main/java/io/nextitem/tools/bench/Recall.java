package io.nextitem.tools.bench;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Recall@k of one run's lists against a reference run's lists for the same clicks (matched by
 * the triggering event id): the share of the reference's top k that the list also holds, averaged
 * over the clicks both runs answered.
 *
 * @param k        list length compared
 * @param recall   mean recall@k over the compared lists
 * @param compared lists present in both runs
 * @param perfect  compared lists that hold the whole reference top k
 */
record Recall(int k, double recall, int compared, int perfect) {

    static Recall of(List<RecommendationProbe.Seen> reference, List<RecommendationProbe.Seen> candidate, int k) {
        Map<String, List<String>> expected = new HashMap<>();
        for (RecommendationProbe.Seen list : reference) {
            expected.put(list.triggerEventId(), list.items().subList(0, Math.min(k, list.items().size())));
        }
        double sum = 0;
        int compared = 0;
        int perfect = 0;
        for (RecommendationProbe.Seen list : candidate) {
            List<String> want = expected.get(list.triggerEventId());
            if (want == null || want.isEmpty()) {
                continue;
            }
            Set<String> got = new HashSet<>(list.items().subList(0, Math.min(k, list.items().size())));
            long hits = want.stream().filter(got::contains).count();
            sum += hits / (double) want.size();
            compared++;
            perfect += hits == want.size() ? 1 : 0;
        }
        if (compared == 0) {
            throw new IllegalStateException("no list of the run matches a reference list: the two runs answered different clicks");
        }
        return new Recall(k, sum / compared, compared, perfect);
    }

    Map<String, Object> describe(String referenceName) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("recall_at_" + k, Math.round(recall * 10_000) / 10_000.0);
        out.put("recall_reference", referenceName);
        out.put("recall_lists_compared", compared);
        out.put("recall_lists_perfect", perfect);
        return out;
    }
}
