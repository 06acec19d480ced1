package io.nextitem.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.nextitem.testing.DocsTables;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** docs/scaling.md shows each scaling run's table as its summary.json prints it (bench --scaling-table), never typed. */
class ScalingDocsTest {
    @ParameterizedTest
    @ValueSource(strings = {"bands-head-1e3-to-1e6", "head-only-3416-1e6"})
    void theScalingTableIsTheResultFile(String run) throws Exception {
        assertThat(DocsTables.marked(Path.of("docs", "scaling.md"), run)).isEqualTo(CatalogueScalingTable.markdown(
                Path.of("src/site/results/scaling", run, "summary.json")).strip());
    }
}
