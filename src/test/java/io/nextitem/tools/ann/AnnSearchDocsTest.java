package io.nextitem.tools.ann;

import static org.assertj.core.api.Assertions.assertThat;

import io.nextitem.testing.DocsTables;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** docs/ann-search.md shows each comparison table as its result file prints it, never typed. */
class AnnSearchDocsTest {
    @ParameterizedTest
    @ValueSource(strings = {"ann-compare-100k", "ann-compare-trained-100k"})
    void theComparisonTableIsTheResultFile(String result) throws Exception {
        assertThat(DocsTables.marked(Path.of("docs", "ann-search.md"), result))
                .isEqualTo(AnnComparisonTable.markdown(Path.of("src/site/results/ann/" + result + ".json")).strip());
    }
}
