package io.nextitem.inference;

import static org.assertj.core.api.Assertions.assertThat;

import io.nextitem.ann.ScanCalibration;
import io.nextitem.config.ModelSettings;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** model.search-graphs: auto follows the index's calibration; true and false are the operator's word. */
class SearchPlanTest {
    private static final ScanCalibration REACHED = calibration(120_000);
    private static final ScanCalibration NOT_REACHED = calibration(null);

    @Test
    void autoScansTheCalibratedItemsAloneWhenTheCalibrationReachedItsTarget() {
        SearchPlan plan = SearchPlan.of(settings(ModelSettings.GRAPHS_AUTO, 100_000), REACHED);
        assertThat(plan.exactItems()).isEqualTo(120_000);
        assertThat(plan.walkGraphs()).isFalse();
        assertThat(plan.toString()).contains("120000 longest items", "no graph walked", "recall@10 0.97", "2000");
    }

    @Test
    void autoWalksTheGraphsWithoutACalibrationOrWhenItFellShort() {
        for (ScanCalibration calibration : new ScanCalibration[] {null, NOT_REACHED}) {
            SearchPlan plan = SearchPlan.of(settings(ModelSettings.GRAPHS_AUTO, 100_000), calibration);
            assertThat(plan.exactItems()).isEqualTo(100_000);
            assertThat(plan.walkGraphs()).isTrue();
        }
        assertThat(SearchPlan.of(settings(ModelSettings.GRAPHS_AUTO, 100_000), NOT_REACHED).reason())
                .contains("more than 200000");
    }

    @Test
    void trueAndFalseOverrideTheCalibration() {
        SearchPlan walked = SearchPlan.of(settings(ModelSettings.GRAPHS_WALKED, 100_000), REACHED);
        assertThat(walked.exactItems()).isEqualTo(100_000);
        assertThat(walked.walkGraphs()).isTrue();
        SearchPlan skipped = SearchPlan.of(settings(ModelSettings.GRAPHS_SKIPPED, 150_000), null);
        assertThat(skipped.exactItems()).isEqualTo(150_000);
        assertThat(skipped.walkGraphs()).isFalse();
    }

    @Test
    void falseWithoutAScanStillAnswersThroughTheGraphs() {
        SearchPlan plan = SearchPlan.of(settings(ModelSettings.GRAPHS_SKIPPED, 0), null);
        assertThat(plan.exactItems()).isZero();
        assertThat(plan.walkGraphs()).isTrue();
        assertThat(plan.reason()).contains("needs model.search-exact-items above 0");
    }

    private static ModelSettings settings(String graphs, int exactItems) {
        ModelSettings settings = new ModelSettings();
        settings.searchGraphs = graphs;
        settings.searchExactItems = exactItems;
        return settings;
    }

    private static ScanCalibration calibration(Integer scanItems) {
        return new ScanCalibration(2_000, 10, 0.97, 200_000, scanItems, Map.of(100_000, 0.96, 200_000, 0.99), 1.0);
    }
}
