package io.nextitem.tools.cluster;

import io.nextitem.tools.WorkFolders;
import io.nextitem.tools.build.BuildOutputs;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Lays out a Flink installation in a {@link ClusterHome} the way the job image has it:
 * lib/ = Flink's modules (target/flink-lib.classpath, from src/cluster/pom.xml) plus the project's
 * additions, plugins/ and usrlib/ from target/flink-layout/ (the folder the Dockerfile copies
 * onto /opt/flink). Jars are linked, not copied: the layout costs nothing to rebuild.
 */
public final class FlinkLayout {
    static final String LIB_CLASSPATH = "flink-lib.classpath";
    static final String PROJECT_LAYOUT = "flink-layout";

    private FlinkLayout() {}

    /** Rebuilds lib/, plugins/ and usrlib/ (the job jar, for application mode) under {@code home}. */
    public static void assemble(ClusterHome home, Path jobJar) throws IOException {
        String flinkModules = BuildOutputs.readClasspath(LIB_CLASSPATH, "nextitem.flink.lib.classpath",
                "NEXTITEM_FLINK_LIB_CLASSPATH");
        Path projectLayout = BuildOutputs.find(PROJECT_LAYOUT, "nextitem.flink.layout", "NEXTITEM_FLINK_LAYOUT");
        List<Path> libJars = new ArrayList<>();
        for (String jar : flinkModules.split(File.pathSeparator)) {
            libJars.add(Path.of(jar));
        }
        try (Stream<Path> added = Files.list(projectLayout.resolve("lib"))) {
            added.sorted().forEach(libJars::add);
        }
        relink(home.lib(), libJars);
        deleteRecursively(home.plugins());
        try (Stream<Path> pluginDirs = Files.list(projectLayout.resolve("plugins"))) {
            for (Path plugin : pluginDirs.toList()) {
                try (Stream<Path> jars = Files.list(plugin)) {
                    relink(home.plugins().resolve(plugin.getFileName()), jars.sorted().toList());
                }
            }
        }
        relink(home.usrlib(), jobJar == null ? List.of() : List.of(jobJar));
    }

    /** lib/'s jars in the order Flink's scripts put them on the classpath (sorted by name). */
    public static List<Path> libJars(ClusterHome home) throws IOException {
        try (Stream<Path> jars = Files.list(home.lib())) {
            return jars.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
        }
    }

    private static void relink(Path dir, List<Path> jars) throws IOException {
        deleteRecursively(dir);
        Files.createDirectories(dir);
        for (Path jar : jars) {
            if (!Files.isRegularFile(jar)) {
                throw new IOException("missing jar " + jar + "; run `mvn package`");
            }
            Path link = dir.resolve(jar.getFileName());
            if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                Files.createSymbolicLink(link, jar.toAbsolutePath());
            }
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        WorkFolders.deleteRecursively(dir);
    }
}
