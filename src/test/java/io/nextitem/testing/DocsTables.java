package io.nextitem.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A generated table in the docs: the text between its {@code <!-- NAME table: begin/end -->} markers. */
public final class DocsTables {
    private DocsTables() {}

    /** The marked table of {@code doc}, stripped; fails (IllegalStateException) when a marker is missing. */
    public static String marked(Path doc, String name) throws IOException {
        String text = Files.readString(doc);
        String begin = "<!-- " + name + " table: begin -->\n";
        String end = "<!-- " + name + " table: end -->";
        int from = text.indexOf(begin);
        int to = text.indexOf(end);
        if (from < 0 || to < from) {
            throw new IllegalStateException(doc + " lacks the markers of the " + name + " table");
        }
        return text.substring(from + begin.length(), to).strip();
    }
}
