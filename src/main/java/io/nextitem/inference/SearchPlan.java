package io.nextitem.inference;

import io.nextitem.ann.ScanCalibration;
import io.nextitem.config.ModelSettings;

/**
 * How approximate search answers for one version: how many of its longest items the exact scan
 * takes and whether the graphs of the rest are walked, decided by model.search-exact-items,
 * model.search-graphs and, for {@code auto}, the calibration recorded with the version's index.
 *
 * @param exactItems the exact scan's size (0: none, every band through its graph)
 * @param walkGraphs whether the graphs of the items outside the scan are walked
 * @param reason     why, for the log line that says how the version is searched
 */
record SearchPlan(int exactItems, boolean walkGraphs, String reason) {

    static SearchPlan of(ModelSettings settings, ScanCalibration calibration) {
        if (ModelSettings.GRAPHS_AUTO.equals(settings.searchGraphs)) {
            if (calibration != null && calibration.scanItems() != null) {
                return new SearchPlan(calibration.scanItems(), false, "the index's calibration: a scan of the "
                        + calibration.scanItems() + " longest items alone reached recall@" + calibration.k() + " "
                        + calibration.targetRecall() + " on " + calibration.queries() + " of the version's queries");
            }
            return new SearchPlan(settings.searchExactItems, true, calibration == null
                    ? "the index has no calibration (index --queries), so the graphs are walked"
                    : "the index's calibration needed more than " + calibration.maxScanItems()
                    + " items for recall@" + calibration.k() + " " + calibration.targetRecall() + ", so the graphs are walked");
        }
        boolean walk = !ModelSettings.GRAPHS_SKIPPED.equals(settings.searchGraphs);
        if (!walk && settings.searchExactItems == 0) {
            // nothing would answer: no scan and no graph
            return new SearchPlan(0, true, "model.search-graphs=false needs model.search-exact-items above 0; "
                    + "every band is walked");
        }
        return new SearchPlan(settings.searchExactItems, walk, "model.search-graphs=" + settings.searchGraphs);
    }

    @Override
    public String toString() {
        return (exactItems == 0 ? "no exact scan" : "exact scan of the " + exactItems + " longest items")
                + (walkGraphs ? ", graphs walked" : ", no graph walked") + " (" + reason + ")";
    }
}
