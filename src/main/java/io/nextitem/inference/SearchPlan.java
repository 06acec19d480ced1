package io.nextitem.inference;

import io.nextitem.ann.AnnIndexDescription;
import io.nextitem.ann.ScanCalibration;
import io.nextitem.config.ModelSettings;
import io.nextitem.model.ModelVersion;
import java.nio.file.Path;

/**
 * How approximate search answers for one version: how many of its longest items the exact scan
 * takes and whether the graphs of the rest are walked, decided by model.search-exact-items,
 * model.search-graphs and, for {@code auto}, the calibration recorded with the version's index.
 *
 * @param exactItems the exact scan's size (0: none, every band through its graph)
 * @param walkGraphs whether the graphs of the items outside the scan are walked
 * @param reason     why, for the log line that says how the version is searched
 */
public record SearchPlan(int exactItems, boolean walkGraphs, String reason) {

    /**
     * How a version is searched under {@code settings}, in words: exact, or the plan of its
     * approximate search (for result files, which name a variant by its settings alone).
     */
    public static String describe(ModelVersion version, ModelSettings settings) {
        if (!RetrievalSearch.chosenFor(version.manifest(), settings)) {
            return "exact (model.onnx scores every item)";
        }
        Path description = version.folder().resolve(version.manifest().retrieval().index());
        return "approximate: " + of(settings, AnnIndexDescription.read(description).scanCalibration());
    }

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
