package io.nextitem.tools.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a JVM's class-load log ({@code -Xlog:class+load=info}) and finds the classes that were
 * loaded from the job jar (Flink's blob store) although a jar in the cluster's lib/ has them: a
 * second copy of Flink, RocksDB, ONNX Runtime or a library they share, loaded child-first
 * beside lib/'s, is how native libraries get loaded twice and how classes stop matching.
 */
final class JobJarShadowing {
    private static final Pattern LOADED = Pattern.compile("\\[class,load\\] (\\S+) source: (.*)$");

    private JobJarShadowing() {}

    static List<String> classesShadowingLib(ClusterHome home, Path classLoadLog) throws IOException {
        Set<String> libClasses = new HashSet<>();
        for (Path jar : FlinkLayout.libJars(home)) {
            try (JarFile file = new JarFile(jar.toFile())) {
                file.stream().map(e -> e.getName()).filter(n -> n.endsWith(".class"))
                        .forEach(n -> libClasses.add(n.substring(0, n.length() - 6).replace('/', '.')));
            }
        }
        boolean sawJobJar = false;
        java.util.List<String> shadowing = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(classLoadLog)) {
            Matcher m = LOADED.matcher(line);
            if (!m.find() || !m.group(2).contains("blob_")) {
                continue;
            }
            sawJobJar = true;
            if (libClasses.contains(m.group(1))) {
                shadowing.add(m.group(1) + " from " + m.group(2));
            }
        }
        if (!sawJobJar) {
            throw new IllegalStateException(classLoadLog + " shows no class loaded from the job jar: nothing was checked");
        }
        return shadowing;
    }
}
