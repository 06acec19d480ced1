package io.nextitem.tools.demo;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.stream.Stream;

/** Copies a folder of resources (from the jar or from target/classes) onto the file system. */
public final class ClasspathFolder {
    private ClasspathFolder() {}

    public static void copy(String resourceFolder, Path target) throws IOException {
        URL url = ClasspathFolder.class.getClassLoader().getResource(resourceFolder);
        if (url == null) {
            throw new IOException("resource folder " + resourceFolder + " is not on the classpath; rebuild with `mvn package`");
        }
        try {
            URI uri = url.toURI();
            if ("jar".equals(uri.getScheme())) {
                try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
                    copyTree(jar.getPath(resourceFolder), target);
                }
            } else {
                copyTree(Path.of(uri), target);
            }
        } catch (URISyntaxException e) {
            throw new IOException("bad resource URL " + url, e);
        }
    }

    /** Copies the folder tree under {@code source} into {@code target} (created as needed). */
    public static void copyTree(Path source, Path target) throws IOException {
        try (Stream<Path> paths = Files.walk(source)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                Path destination = target.resolve(source.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(destination);
                } else {
                    Files.copy(path, destination, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
