package io.nextitem.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * Model versions made from a real one for tests: a copy published under another version name and
 * creation time (as the trainer publishes a new version), optionally with a file rewritten, whose
 * sha256 in the manifest is either updated (a consistent but wrong version) or left as it was (a
 * corrupt one).
 */
public final class VersionFixtures {
    private static final ObjectMapper JSON = new ObjectMapper();

    private VersionFixtures() {}

    /** Copies {@code source} to {@code registry/version} with that version name and created_at. */
    public static Path publish(Path source, Path registry, String version, String createdAt) {
        return publish(source, registry, version, createdAt, staged -> { });
    }

    /**
     * As {@link #publish}, with {@code edit} applied to the staged copy before it appears: a broken
     * version must be broken from its first moment, or a watcher may load it while it is still good.
     */
    public static Path publish(Path source, Path registry, String version, String createdAt,
                               java.util.function.Consumer<Path> edit) {
        Path target = registry.resolve(version);
        Path staging = registry.resolve("." + version + ".staging");
        copyFolder(source, staging);
        editManifest(staging, manifest -> manifest.put("version", version).put("created_at", createdAt));
        edit.accept(staging);
        try {
            Files.move(staging, target); // a version appears whole, as the trainer publishes it
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }

    /** Rewrites one file of a version; with {@code updateChecksum} the manifest's sha256 follows. */
    public static void rewrite(Path version, String file, UnaryOperator<byte[]> edit, boolean updateChecksum) {
        try {
            Path path = version.resolve(file);
            Files.write(path, edit.apply(Files.readAllBytes(path)));
            if (updateChecksum) {
                String checksum = sha256(path);
                editManifest(version, manifest -> {
                    ((ObjectNode) manifest.path("files").path(file)).put("sha256", checksum);
                    return manifest;
                });
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void editManifest(Path version, UnaryOperator<ObjectNode> edit) {
        Path file = version.resolve("manifest.json");
        try {
            ObjectNode manifest = (ObjectNode) JSON.readTree(file.toFile());
            JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), edit.apply(manifest));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void copyFolder(Path source, Path target) {
        try (Stream<Path> files = Files.list(source)) {
            Files.createDirectories(target);
            for (Path file : files.toList()) {
                Files.copy(file, target.resolve(file.getFileName()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(in.readAllBytes()));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The bytes with the last bit of the last byte flipped: a file that changed but kept its length. */
    public static byte[] flipLastByte(byte[] bytes) {
        byte[] copy = bytes.clone();
        copy[copy.length - 1] ^= 0x01;
        return copy;
    }

    /** A text file without its last line: a vocabulary one id short. */
    public static byte[] dropLastLine(byte[] bytes) {
        String text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8).stripTrailing();
        return (text.substring(0, text.lastIndexOf('\n')) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
