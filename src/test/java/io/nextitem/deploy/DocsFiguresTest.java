package io.nextitem.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.nextitem.reliability.ReliabilityTable;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Figures in the docs are printed from result files, never typed: each marked table must be
 * exactly what its command prints from the committed file.
 */
class DocsFiguresTest {
    @Test
    void theStandaloneReliabilityTableIsTheResultFiles() throws Exception {
        String docs = Files.readString(Path.of("docs", "cluster.md"));
        String begin = "<!-- reliability-standalone table: begin -->\n";
        String end = "<!-- reliability-standalone table: end -->";
        String table = docs.substring(docs.indexOf(begin) + begin.length(), docs.indexOf(end));
        assertThat(table.strip()).isEqualTo(
                ReliabilityTable.markdown(Path.of("src/site/results/reliability-standalone.json")).strip());
    }
}
