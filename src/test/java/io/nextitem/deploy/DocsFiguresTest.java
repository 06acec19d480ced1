package io.nextitem.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.nextitem.tools.reliability.ReliabilityTable;
import io.nextitem.tools.soak.SoakTable;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Figures in the docs are printed from result files, never typed: each marked table must be
 * exactly what its command prints from the committed file.
 */
class DocsFiguresTest {
    @Test
    void theReliabilityTableIsItsResultFile() throws Exception {
        assertThat(marked("reliability.md", "reliability table")).isEqualTo(
                ReliabilityTable.markdown(Path.of("src/site/results/reliability/reliability.json")).strip());
    }

    @Test
    void theStandaloneReliabilityTableIsTheResultFiles() throws Exception {
        assertThat(marked("reliability-standalone table")).isEqualTo(
                ReliabilityTable.markdown(Path.of("src/site/results/reliability/reliability-standalone.json")).strip());
    }

    @Test
    void theTenKillTableIsItsResultFile() throws Exception {
        assertThat(marked("reliability-ten-kills table")).isEqualTo(
                ReliabilityTable.markdown(Path.of("src/site/results/reliability/reliability-standalone-ten-kills.json")).strip());
    }

    @Test
    void theSoakSummaryIsSoakJson() throws Exception {
        assertThat(marked("soak summary")).isEqualTo(SoakTable.markdown(Path.of("src/site/results/soak/soak.json")).strip());
    }

    private static String marked(String name) throws Exception {
        return marked("cluster.md", name);
    }

    /** The text of docs/PAGE between its "<!-- NAME: begin -->" and "<!-- NAME: end -->" lines. */
    private static String marked(String page, String name) throws Exception {
        String docs = Files.readString(Path.of("docs", page));
        String begin = "<!-- " + name + ": begin -->\n";
        String end = "<!-- " + name + ": end -->";
        assertThat(docs).as("docs/%s marks its %s", page, name).contains(begin, end);
        return docs.substring(docs.indexOf(begin) + begin.length(), docs.indexOf(end)).strip();
    }
}
