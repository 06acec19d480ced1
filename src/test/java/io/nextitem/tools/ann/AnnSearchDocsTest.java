package io.nextitem.tools.ann;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** docs/ann-search.md shows each comparison table as its result file prints it, never typed. */
class AnnSearchDocsTest {
    @ParameterizedTest
    @ValueSource(strings = {"ann-compare-100k", "ann-compare-trained-100k"})
    void theComparisonTableIsTheResultFile(String result) throws Exception {
        String docs = Files.readString(Path.of("docs", "ann-search.md"));
        String begin = "<!-- " + result + " table: begin -->\n";
        String end = "<!-- " + result + " table: end -->";
        assertThat(docs).contains(begin, end);
        String marked = docs.substring(docs.indexOf(begin) + begin.length(), docs.indexOf(end)).strip();
        assertThat(marked).isEqualTo(AnnComparisonTable.markdown(Path.of("src/site/results/ann/" + result + ".json")).strip());
    }
}
