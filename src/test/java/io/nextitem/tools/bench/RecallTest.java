package io.nextitem.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecallTest {

    private static RecommendationProbe.Seen list(String trigger, String... items) {
        return new RecommendationProbe.Seen(trigger, 0, 0, 0, List.of(items));
    }

    @Test
    void recallIsTheShareOfTheReferenceTopKHeldPerClickAveragedOverClicksBothAnswered() {
        List<RecommendationProbe.Seen> exact = List.of(list("e1", "a", "b", "c", "d"), list("e2", "a", "b", "c", "d"),
                list("e3", "x", "y"));
        List<RecommendationProbe.Seen> approximate = List.of(
                list("e1", "d", "c", "b", "a"),   // the same items in another order: recall 1
                list("e2", "a", "b", "q", "r"),   // half of them
                list("e4", "a"));                  // a click the reference did not answer: not compared
        Recall recall = Recall.of(exact, approximate, 4);
        assertThat(recall.compared()).isEqualTo(2);
        assertThat(recall.perfect()).isEqualTo(1);
        assertThat(recall.recall()).isEqualTo(0.75);
        assertThat(recall.describe("exact")).containsEntry("recall_at_4", 0.75).containsEntry("recall_reference", "exact");
    }

    @Test
    void onlyTheTopKOfEitherListCounts() {
        Recall recall = Recall.of(List.of(list("e1", "a", "b", "c")), List.of(list("e1", "c", "q", "a")), 2);
        assertThat(recall.recall()).isEqualTo(0.0); // reference top 2 {a, b}, served top 2 {c, q}
    }

    @Test
    void runsThatAnsweredDifferentClicksAreNotComparable() {
        assertThatThrownBy(() -> Recall.of(List.of(list("e1", "a")), List.of(list("e2", "a")), 10))
                .hasMessageContaining("different clicks");
    }

    @Test
    void theSummaryHasOneRowPerCatalogueAndVariant() {
        Map<String, Object> scaling = Map.of("reference_variant", "exact", "delivery", "d", "catalogues", List.of(
                Map.of("num_items", 1000, "version", "v3", "index", Map.of("build_seconds", 1.5), "index_bytes_per_item", 80.0,
                        "variants", List.of(
                                Map.of("variant", "exact", "events_per_s_median", 900.0,
                                        "latency_at_half_rate", Map.of("inference_path_ms_p99", 12.0)),
                                Map.of("variant", "approximate", "events_per_s_median", 2000.0, "recall_at_10", 0.97,
                                        "latency_at_half_rate", Map.of("inference_path_ms_p99", 8.0))))));
        Map<String, Object> table = Summary.catalogueScaling(scaling, "abc", "now");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> rows = (List<Map<String, Object>>) table.get("rows");
        assertThat(rows).hasSize(2);
        assertThat(rows.get(1)).containsEntry("variant", "approximate").containsEntry("events_per_s", 2000.0)
                .containsEntry("recall_at_10", 0.97).containsEntry("index_build_seconds", 1.5)
                .containsEntry("p99_inference_ms_at_half_rate_at_least_once", 8.0);
        assertThat(rows.get(0).get("recall_at_10")).isNull();
        assertThat(Summary.catalogueScaling(null, "abc", "now")).isNull();
    }
}
