package io.nextitem.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * One model version folder, checked and loaded: manifest, sha256 of every listed file, item
 * vocabulary, user vocabulary (only for graphs that read {@code user_idx}; null otherwise),
 * category vocabulary (only for graphs that read {@code cat_seq}; null otherwise) and
 * popularity fallback. The ONNX graph's bytes are held for the session factory.
 * Any inconsistency refuses the whole version with a {@link ModelLoadException}.
 */
public record ModelVersion(Path folder, ModelManifest manifest, IdVocabulary items, IdVocabulary users,
                           IdVocabulary categories, PopularityList popularity, byte[] onnxModel) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static ModelVersion load(Path folder) {
        Path manifestFile = folder.resolve("manifest.json");
        if (!Files.isRegularFile(manifestFile)) {
            throw new ModelLoadException(folder + " is not a model version: manifest.json is missing");
        }
        ModelManifest manifest;
        try {
            manifest = JSON.readValue(manifestFile.toFile(), ModelManifest.class);
        } catch (IOException e) {
            throw new ModelLoadException(manifestFile + " is not a valid manifest: " + e.getMessage(), e);
        }
        manifest.check(manifestFile.toString());
        for (Map.Entry<String, ModelManifest.FileEntry> file : manifest.files().entrySet()) {
            verifySha256(folder.resolve(file.getKey()), file.getValue().sha256());
        }
        IdVocabulary items = IdVocabulary.read(folder.resolve("items.tsv"), manifest.numItems(), "item");
        IdVocabulary users = manifest.readsUserIndex()
                ? IdVocabulary.read(folder.resolve(ModelManifest.USERS_FILE), manifest.numUsers(), "user")
                : null;
        IdVocabulary categories = manifest.readsCategories()
                ? IdVocabulary.read(folder.resolve(ModelManifest.CATEGORIES_FILE), manifest.numCategories(), "category")
                : null;
        PopularityList popularity = PopularityList.read(folder.resolve("popularity.tsv"));
        try {
            return new ModelVersion(folder, manifest, items, users, categories, popularity, Files.readAllBytes(folder.resolve("model.onnx")));
        } catch (IOException e) {
            throw new ModelLoadException("cannot read " + folder.resolve("model.onnx") + ": " + e.getMessage(), e);
        }
    }

    public String name() {
        return manifest.name();
    }

    public String version() {
        return manifest.version();
    }

    public static void verifySha256(Path file, String expected) {
        if (!Files.isRegularFile(file)) {
            throw new ModelLoadException(file + " is listed in the manifest but missing");
        }
        String actual = sha256(file);
        if (!actual.equalsIgnoreCase(expected)) {
            throw new ModelLoadException(file + " has sha256 " + actual + " but the manifest says " + expected
                    + ": the file is corrupt or from another version");
        }
    }

    public static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new ModelLoadException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }
}
