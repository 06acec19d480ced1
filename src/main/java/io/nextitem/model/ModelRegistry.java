package io.nextitem.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** A directory of model versions, one sub-folder each; picks the one to serve. */
public final class ModelRegistry {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path root;

    public ModelRegistry(Path root) {
        this.root = root;
    }

    /** @param version a folder name, or "latest" for the newest manifest created_at */
    public Path resolve(String version) {
        if (!Files.isDirectory(root)) {
            throw new ModelLoadException("model.registry " + root + " is not a directory");
        }
        if (!"latest".equals(version)) {
            Path folder = root.resolve(version);
            if (!Files.isDirectory(folder)) {
                throw new ModelLoadException("model.version '" + version + "' is not a folder in " + root
                        + "; versions there: " + versionNames());
            }
            return folder;
        }
        return versions().stream()
                .max(Comparator.comparing(ModelRegistry::createdAt).thenComparing(Path::getFileName))
                .orElseThrow(() -> new ModelLoadException("model.registry " + root
                        + " holds no model version (no sub-folder with a manifest.json)"));
    }

    /** Version folders: sub-folders with a manifest.json. Hidden ones (a name starting with '.') are
     * versions still being written (the exporter's staging folder, renamed when complete). */
    public List<Path> versions() {
        try (Stream<Path> children = Files.list(root)) {
            return children.filter(p -> !p.getFileName().toString().startsWith("."))
                    .filter(p -> Files.isRegularFile(p.resolve("manifest.json"))).sorted().toList();
        } catch (IOException e) {
            throw new ModelLoadException("cannot list model.registry " + root + ": " + e.getMessage(), e);
        }
    }

    private List<String> versionNames() {
        return versions().stream().map(p -> p.getFileName().toString()).toList();
    }

    private static String createdAt(Path folder) {
        try {
            JsonNode manifest = JSON.readTree(folder.resolve("manifest.json").toFile());
            return manifest.path("created_at").asText("");
        } catch (IOException e) {
            return "";
        }
    }
}
