package io.nextitem.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scaling table states each rate against exact search on its own catalogue and on the smallest one. */
class CatalogueScalingTableTest {
    @TempDir
    Path tmp;

    @Test
    void ratiosAreTakenAgainstTheReferenceVariantOfTheSameRun() throws Exception {
        Path summary = tmp.resolve("summary.json");
        Files.writeString(summary, """
                {"catalogue_scaling": {"reference_variant": "exact", "rows": [
                  {"num_items": 1000, "variant": "exact", "events_per_s": 8000.0,
                   "p99_inference_ms_at_half_rate_at_least_once": 40.0, "recall_at_10": null,
                   "index_build_seconds": 1.5, "index_bytes_per_item": 290.0},
                  {"num_items": 1000000, "variant": "exact", "events_per_s": 400.0,
                   "p99_inference_ms_at_half_rate_at_least_once": 600.0, "recall_at_10": null,
                   "index_build_seconds": 1900.0, "index_bytes_per_item": 317.0},
                  {"num_items": 1000000, "variant": "head", "events_per_s": 2600.0,
                   "p99_inference_ms_at_half_rate_at_least_once": 55.0, "recall_at_10": 0.9876,
                   "index_build_seconds": 1900.0, "index_bytes_per_item": 317.0}]}}
                """);
        assertThat(CatalogueScalingTable.markdown(summary)).isEqualTo("""
                | items | variant | events/s | x exact, same items | x exact, 1,000 items | p99 ms at half rate | recall@10 | index build, s | index bytes/item |
                |---|---|---|---|---|---|---|---|---|
                | 1,000 | exact | 8,000 | 1.00 | 1.00 | 40 | (reference) | 1.5 | 290 |
                | 1,000,000 | exact | 400 | 1.00 | 0.05 | 600 | (reference) | 1,900.0 | 317 |
                | 1,000,000 | head | 2,600 | 6.50 | 0.33 | 55 | 0.988 | 1,900.0 | 317 |
                """);
    }

    @Test
    void rowsThatNameHowTheySearchedGetASearchColumn() throws Exception {
        Path summary = tmp.resolve("summary.json");
        Files.writeString(summary, """
                {"catalogue_scaling": {"reference_variant": "exact", "rows": [
                  {"num_items": 1000000, "variant": "exact", "search": "exact (model.onnx scores every item)",
                   "events_per_s": 400.0, "p99_inference_ms_at_half_rate_at_least_once": 600.0, "recall_at_10": null},
                  {"num_items": 1000000, "variant": "default", "search": "approximate: exact scan of the 120000 longest items",
                   "events_per_s": 4000.0, "p99_inference_ms_at_half_rate_at_least_once": 60.0, "recall_at_10": 0.97}]}}
                """);
        assertThat(CatalogueScalingTable.markdown(summary)).isEqualTo("""
                | items | variant | search | events/s | x exact, same items | x exact, 1,000,000 items | p99 ms at half rate | recall@10 | index build, s | index bytes/item |
                |---|---|---|---|---|---|---|---|---|---|
                | 1,000,000 | exact | exact (model.onnx scores every item) | 400 | 1.00 | 1.00 | 600 | (reference) | - | - |
                | 1,000,000 | default | approximate: exact scan of the 120000 longest items | 4,000 | 10.00 | 10.00 | 60 | 0.970 | - | - |
                """);
    }

    @Test
    void aSummaryWithoutTheStageIsRefusedWithTheReason() throws Exception {
        Path summary = tmp.resolve("summary.json");
        Files.writeString(summary, "{\"catalogue_scaling\": null}");
        assertThatThrownBy(() -> CatalogueScalingTable.markdown(summary)).hasMessageContaining("no catalogue_scaling rows");
    }
}
