package io.nextitem.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.nextitem.tools.docs.DocsFigures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Figures in the docs are printed from result files, never typed: every table the tools print
 * ({@link DocsFigures}: reliability, soak, catalogue and state scaling, approximate search) is
 * exactly what its command prints from the committed file, and a figure edited by hand is caught.
 */
class DocsFiguresTest {
    private static final Path ROOT = Path.of(".");

    @TempDir
    Path copy;

    @Test
    void everyGeneratedTableIsWhatItsResultFilePrints() throws Exception {
        // Every marked table of the pages the tools print into is in the registry (scaling.md's
        // sampled-loss table is the trainer's results-table, tested on the Python side).
        java.util.Set<String> pages = new java.util.TreeSet<>();
        DocsFigures.all().forEach(t -> pages.add(t.page()));
        java.util.List<String> marked = new java.util.ArrayList<>();
        for (String page : pages) {
            Matcher begin = Pattern.compile("<!-- (.+?): begin -->").matcher(Files.readString(ROOT.resolve(page)));
            while (begin.find()) {
                marked.add(page + ": " + begin.group(1));
            }
        }
        marked.remove("docs/scaling.md: sampled-loss quality table");
        assertThat(DocsFigures.all().stream().map(t -> t.page() + ": " + t.marker()).toList())
                .containsExactlyInAnyOrderElementsOf(marked);
        assertThat(DocsFigures.stale(ROOT)).as("tables that differ from their files: rewrite them with "
                + "`java -jar target/nextitem.jar docs tables`").isEmpty();
    }

    @Test
    void aFigureEditedByHandIsCaughtAndRewritten() throws Exception {
        for (DocsFigures.Marked table : DocsFigures.all()) {
            Path page = copy.resolve(table.page());
            Files.createDirectories(page.getParent());
            if (!Files.exists(page)) {
                Files.copy(ROOT.resolve(table.page()), page);
            }
            Path file = copy.resolve(table.resultFile());
            Files.createDirectories(file.getParent());
            if (!Files.exists(file)) {
                Files.copy(ROOT.resolve(table.resultFile()), file);
            }
        }
        assertThat(DocsFigures.stale(copy)).isEmpty();

        Path scaling = copy.resolve("docs/scaling.md");
        String before = Files.readString(scaling);
        String begin = "<!-- state-1e6-1e7 table: begin -->";
        int from = before.indexOf(begin);
        Matcher figure = Pattern.compile("\\d+\\.\\d+").matcher(before);
        assertThat(figure.find(from)).as("a figure in the state table").isTrue();
        String edited = before.substring(0, figure.start()) + "9" + before.substring(figure.start()); // a hand "fix"
        Files.writeString(scaling, edited);

        assertThat(DocsFigures.stale(copy)).containsExactly("docs/scaling.md: state-1e6-1e7 table");
        assertThat(DocsFigures.write(copy)).containsExactly("docs/scaling.md");
        assertThat(Files.readString(scaling)).isEqualTo(before);
    }
}
