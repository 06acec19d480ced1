package io.nextitem.tools.ann;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/ann-search.md shows the library comparison as its result file prints, never typed. */
class AnnSearchDocsTest {
    @Test
    void theComparisonTableIsTheResultFile() throws Exception {
        String docs = Files.readString(Path.of("docs", "ann-search.md"));
        String begin = "<!-- ann-compare-100k table: begin -->\n";
        String end = "<!-- ann-compare-100k table: end -->";
        assertThat(docs).contains(begin, end);
        String marked = docs.substring(docs.indexOf(begin) + begin.length(), docs.indexOf(end)).strip();
        assertThat(marked).isEqualTo(AnnComparisonTable.markdown(Path.of("src/site/results/ann/ann-compare-100k.json")).strip());
    }
}
