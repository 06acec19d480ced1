package io.nextitem.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;

/**
 * Clicks as an older producer writes them: single-object encoded with the version-0 ClickEvent
 * schema (src/test/resources/writer-schemas/ClickEvent-v0.avsc: no category, session or context).
 */
public final class OldProducerClicks {
    /** The folder to give the job as decoder.schema-dir so it accepts these bytes. */
    public static final Path WRITER_SCHEMAS = Path.of("src/test/resources/writer-schemas");
    public static final Schema V0 = parse(WRITER_SCHEMAS.resolve("ClickEvent-v0.avsc").toFile());

    private OldProducerClicks() {}

    public static byte[] encode(String eventId, String user, String item, long eventTimeMillis) {
        GenericRecord old = new GenericData.Record(V0);
        old.put("event_id", eventId);
        old.put("user_id", user);
        old.put("item_id", item);
        old.put("event_type", new GenericData.EnumSymbol(V0.getField("event_type").schema(), "VIEW"));
        old.put("event_time_millis", eventTimeMillis);
        try {
            ByteBuffer encoded = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), V0).encode(old);
            byte[] bytes = new byte[encoded.remaining()];
            encoded.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Schema parse(File file) {
        try {
            return new Schema.Parser().parse(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
