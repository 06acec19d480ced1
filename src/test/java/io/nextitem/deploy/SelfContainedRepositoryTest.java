package io.nextitem.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The project stands on its own: no code, comment, config, doc or result file points at a tracker's
 * issue number or at a file outside the repository (a sibling folder's papers, protocols or data
 * sets). The protocols live in docs/evaluation.md; data sets are found through the trainer's data
 * sets folder and named {@code datasets/<file>}.
 */
class SelfContainedRepositoryTest {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    // Spelt in pieces so that this file does not match itself.
    private static final Pattern OUTSIDE = Pattern.compile(
            "(?i:\\bissues?\\s*#?\\d+)" + "|" + Pattern.quote("../" + "shared")
                    + "|" + Pattern.quote("EVALUATION" + ".md") + "|" + Pattern.quote("DESIGN" + ".md")
                    + "|" + Pattern.quote("STYLE" + ".md"));
    private static final Set<String> SKIPPED_FOLDERS = Set.of(".git", "target", "runs", "node_modules",
            "__pycache__", ".pytest_cache");
    private static final Set<String> TEXT_SUFFIXES = Set.of("java", "py", "md", "yaml", "yml", "json", "avsc",
            "xml", "sh", "properties", "tsv", "txt", "ini", "Dockerfile", "csv");

    @Test
    void noFileNamesAnIssueNumberOrAPathOutsideTheRepository() throws IOException {
        List<Path> files = textFiles();
        assertThat(files).as("files scanned").hasSizeGreaterThan(300);
        List<String> found = new ArrayList<>();
        for (Path file : files) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
            for (int i = 0; i < lines.size(); i++) {
                if (OUTSIDE.matcher(lines.get(i)).find()) {
                    found.add(ROOT.relativize(file) + ":" + (i + 1) + ": " + lines.get(i).strip());
                }
            }
        }
        assertThat(found).as("lines that point outside the repository").isEmpty();
    }

    @Test
    void thePatternCatchesWhatItIsMeantTo() {
        assertThat(Stream.of("the suite of is" + "sue 8", "Is" + "sue #12 found", "see ../" + "shared/datasets/x.gz",
                "EVALUATION" + ".md, P1")).allMatch(line -> OUTSIDE.matcher(line).find());
        assertThat(Stream.of("docs/evaluation.md", "datasets/ml-1m.dat", "an issue with the broker",
                "tissue 5")).noneMatch(line -> OUTSIDE.matcher(line).find());
    }

    private static List<Path> textFiles() throws IOException {
        try (Stream<Path> walk = Files.walk(ROOT)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> ROOT.relativize(p).getNameCount() > 0)
                    .filter(p -> {
                        for (Path part : ROOT.relativize(p)) {
                            if (SKIPPED_FOLDERS.contains(part.toString())) {
                                return false;
                            }
                        }
                        return true;
                    })
                    .filter(SelfContainedRepositoryTest::isText)
                    .sorted()
                    .toList();
        }
    }

    private static boolean isText(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        if (dot < 0) {
            // Scripts without a suffix (deploy/bin/*, src/trainer/bin/trainer) and the .ci runner.
            return file.getParent().getFileName().toString().matches("bin|\\.ci");
        }
        return TEXT_SUFFIXES.contains(name.substring(dot + 1)) || name.endsWith(".Dockerfile");
    }
}
