package io.nextitem.io;

import io.nextitem.avro.ClickEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;

/**
 * The writer schemas the decoder accepts without a registry: the ClickEvent schema bundled in
 * the jar, plus every *.avsc in an optional directory (older or newer producer versions).
 */
public final class WriterSchemas {
    private WriterSchemas() {}

    public static List<Schema> load(String schemaDir) {
        List<Schema> schemas = new ArrayList<>();
        schemas.add(ClickEvent.getClassSchema());
        if (schemaDir == null || schemaDir.isBlank()) {
            return schemas;
        }
        Path dir = Path.of(schemaDir);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.avsc")) {
            for (Path file : files) {
                schemas.add(parse(file));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list writer schemas in decoder.schema-dir " + dir, e);
        }
        return schemas;
    }

    public static Schema parse(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return new Schema.Parser().parse(in);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("writer schema " + file + " is not a valid Avro schema: " + e.getMessage(), e);
        }
    }
}
