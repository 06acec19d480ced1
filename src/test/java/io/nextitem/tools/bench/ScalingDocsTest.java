package io.nextitem.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.nextitem.testing.DocsTables;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** docs/scaling.md shows each scaling and state run's table as its file prints it (bench --scaling-table, --state-table), never typed. */
class ScalingDocsTest {
    @ParameterizedTest
    @ValueSource(strings = {"bands-head-1e3-to-1e6", "head-only-3416-1e6", "video-games-recall", "default-3416-1e6", "default-1e6-p99"})
    void theScalingTableIsTheResultFile(String run) throws Exception {
        assertThat(DocsTables.marked(Path.of("docs", "scaling.md"), run)).isEqualTo(CatalogueScalingTable.markdown(
                Path.of("src/site/results/scaling", run, "summary.json")).strip());
    }

    @Test
    void theStateTableIsTheResultFile() throws Exception {
        assertThat(DocsTables.marked(Path.of("docs", "scaling.md"), "state-1e6-1e7")).isEqualTo(StateScalingTable.markdown(
                Path.of("src/site/results/scaling/state-1e6-1e7/state_sasrec-bench-n3416-l50.json")).strip());
    }
}
