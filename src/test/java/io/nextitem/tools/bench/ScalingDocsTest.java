package io.nextitem.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** docs/scaling.md shows each scaling run's table as its summary.json prints it (bench --scaling-table), never typed. */
class ScalingDocsTest {
    @ParameterizedTest
    @ValueSource(strings = {"bands-head-1e3-to-1e6", "head-only-3416-1e6"})
    void theScalingTableIsTheResultFile(String run) throws Exception {
        String docs = Files.readString(Path.of("docs", "scaling.md"));
        String begin = "<!-- " + run + " table: begin -->\n";
        String end = "<!-- " + run + " table: end -->";
        assertThat(docs).contains(begin, end);
        String marked = docs.substring(docs.indexOf(begin) + begin.length(), docs.indexOf(end)).strip();
        assertThat(marked).isEqualTo(CatalogueScalingTable.markdown(
                Path.of("src/site/results/scaling", run, "summary.json")).strip());
    }
}
