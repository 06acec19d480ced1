package io.nextitem.tools;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The scratch folders of the bench, soak and reliability runs (a broker's log, a cluster's
 * checkpoints, registries: hundreds of MB to GB a run). A run that ends well removes its folder,
 * so a machine that runs the suite every day does not fill its disk; one that fails keeps it and
 * says where, because that is where its logs are.
 */
public final class WorkFolders {
    private WorkFolders() {}

    /** Removes {@code dir} and everything under it; symbolic links are removed, never followed. */
    public static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** After a run: removes {@code work} when it passed, else names it in the log for inspection. */
    public static void finish(Path work, boolean passed, PrintStream log) {
        if (!passed) {
            log.println("kept the work folder of the failed run for inspection: " + work);
            return;
        }
        try {
            deleteRecursively(work);
        } catch (IOException e) {
            log.println("could not remove the work folder " + work + ": " + e.getMessage());
        }
    }
}
