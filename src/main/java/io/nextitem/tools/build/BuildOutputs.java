package io.nextitem.tools.build;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Files that `mvn package` leaves in target/ beside the jar (Maven-resolved classpaths of the
 * broker and of the standalone cluster's Flink modules, the Flink layout): found through a
 * system property, an environment variable, beside the running code, or in ./target.
 */
public final class BuildOutputs {
    private BuildOutputs() {}

    /** The first existing path among the property's, the variable's, target/ beside the code, ./target. */
    public static Path find(String name, String property, String environmentVariable) throws IOException {
        List<Path> candidates = new ArrayList<>();
        Optional.ofNullable(System.getProperty(property)).map(Path::of).ifPresent(candidates::add);
        Optional.ofNullable(System.getenv(environmentVariable)).map(Path::of).ifPresent(candidates::add);
        besideRunningCode().map(d -> d.resolve(name)).ifPresent(candidates::add);
        candidates.add(Path.of("target", name));
        for (Path candidate : candidates) {
            if (Files.exists(candidate)) {
                return candidate;
            }
        }
        throw new IOException("cannot find " + name + " (looked at " + candidates + "); run `mvn package` (it writes "
                + "target/" + name + ") or set " + environmentVariable);
    }

    /** A classpath file's content, checked to be non-empty. */
    public static String readClasspath(String name, String property, String environmentVariable) throws IOException {
        Path file = find(name, property, environmentVariable);
        String classpath = Files.readString(file).trim();
        if (classpath.isEmpty()) {
            throw new IOException(file + " is empty; run `mvn package` again");
        }
        return classpath;
    }

    private static Optional<Path> besideRunningCode() {
        try {
            Path location = Path.of(BuildOutputs.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            // target/nextitem.jar and target/classes both sit in target/.
            return Optional.ofNullable(location.getParent());
        } catch (URISyntaxException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
