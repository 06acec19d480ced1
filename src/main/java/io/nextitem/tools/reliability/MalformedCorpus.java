package io.nextitem.tools.reliability;

import io.nextitem.avro.ClickEvent;
import io.nextitem.avro.DeadLetterReason;
import io.nextitem.config.DecoderSettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * A generated corpus of broken click records, each with the dead-letter reason it must get, in
 * the ways producers and networks break them: random truncation, bit flips in the framing, wrong
 * magic and foreign formats, unknown fingerprints and schema ids, values out of range for their
 * Avro type (enum and union indices, negative or absurd lengths, a map declaring a billion
 * entries), missing and blank ids, over-long ids and records, invalid UTF-8 and control
 * characters, event times far in the past or future, and producers on a known but wrong schema
 * (a field of the wrong type, null where ClickEvent requires a value). The datum is written field by field
 * with Avro's encoder so that a case can put exactly the wrong bytes where it wants them.
 */
public final class MalformedCorpus {
    /** Event time of the clicks the corpus is made from: valid unless a case changes it. */
    private static final long VALID_TIME_MILLIS = 1_767_225_600_000L;
    private static final long FINGERPRINT = SchemaNormalization.parsingFingerprint64(ClickEvent.getClassSchema());
    private static final int EVENT_TYPES = 6;
    private static final String[] FOREIGN_FORMATS = {
        "{\"user_id\":\"u1\",\"item_id\":\"i1\"}", "u1,i1,1767225600000", "<click user=\"u1\"/>", "null",
        "\u0008\u0096\u0001", "PK\u0003\u0004"};
    /** Invalid UTF-8: a stray continuation byte, an overlong '/', a UTF-16 surrogate, a cut-off 3-byte sequence, 0xFF. */
    private static final byte[][] INVALID_UTF8 = {
        {(byte) 0x80}, {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xE2, (byte) 0x82},
        {(byte) 0xFF}};

    /**
     * Writer schemas of producers gone wrong, named like ClickEvent and known to the decoder (put
     * them in decoder.schema-dir, {@link #writeWriterSchemas}): one writes event_time_millis as a
     * string, one lets user_id be null. Their records carry a fingerprint the decoder knows, but
     * cannot be read as ClickEvent.
     */
    public static final Schema TIME_AS_STRING = variant("event_time_millis", "\"string\"");
    public static final Schema NULLABLE_USER = variant("user_id", "[\"null\", \"string\"]");

    /** One broken record: the kind of damage, the Kafka key and value, and the reason it must be dead-lettered with. */
    public record Case(String kind, byte[] key, byte[] value, DeadLetterReason expected) {}

    private final DecoderSettings limits;
    private final Random random;

    private MalformedCorpus(DecoderSettings limits, long seed) {
        this.limits = limits;
        this.random = new Random(seed);
    }

    /** {@code count} cases cycling through every kind, with random content, reproducible from the seed. */
    public static List<Case> generate(int count, DecoderSettings limits, long seed) {
        MalformedCorpus corpus = new MalformedCorpus(limits, seed);
        List<Case> cases = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            cases.add(corpus.next(i % KINDS));
        }
        return cases;
    }

    static final int KINDS = 24;

    /** Writes {@link #TIME_AS_STRING} and {@link #NULLABLE_USER} as .avsc files into {@code dir} (for decoder.schema-dir). */
    public static Path writeWriterSchemas(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("click-time-as-string.avsc"), TIME_AS_STRING.toString(true));
        Files.writeString(dir.resolve("click-nullable-user.avsc"), NULLABLE_USER.toString(true));
        return dir;
    }

    /** ClickEvent's schema with one field's type replaced (same name and namespace). */
    private static Schema variant(String field, String typeJson) {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        try {
            com.fasterxml.jackson.databind.node.ObjectNode schema =
                    (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(ClickEvent.getClassSchema().toString());
            for (com.fasterxml.jackson.databind.JsonNode f : schema.path("fields")) {
                if (f.path("name").asText().equals(field)) {
                    ((com.fasterxml.jackson.databind.node.ObjectNode) f).set("type", json.readTree(typeJson));
                    ((com.fasterxml.jackson.databind.node.ObjectNode) f).remove("default");
                }
            }
            return new Schema.Parser().parse(schema.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A single-object record of a wrong writer schema: a valid click but for {@code field} = {@code value}. */
    private byte[] singleObjectOf(Schema writer, String field, Object value) {
        GenericData.Record record = new GenericData.Record(writer);
        record.put("event_id", "bad-" + Long.toHexString(random.nextLong()));
        record.put("user_id", "u-bad-" + random.nextInt(1_000));
        record.put("item_id", "i-1");
        record.put("event_type", new GenericData.EnumSymbol(writer.getField("event_type").schema(), "CLICK"));
        record.put("event_time_millis", VALID_TIME_MILLIS);
        record.put(field, value);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0xC3);
        out.write(0x01);
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(SchemaNormalization.parsingFingerprint64(writer)).array());
        try {
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            new GenericDatumWriter<GenericData.Record>(writer).write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private Case next(int kind) {
        String user = "u-bad-" + random.nextInt(1_000);
        byte[] key = random.nextBoolean() ? utf8(user) : null;
        byte[] valid = singleObject(datum(user));
        return switch (kind) {
            case 0 -> new Case("random truncation", key, Arrays.copyOf(valid, 1 + random.nextInt(valid.length - 1)),
                    DeadLetterReason.TRUNCATED);
            case 1 -> headerBitFlips(key, valid);
            case 2 -> new Case("wrong magic", key, withRandomFirstByte(valid), DeadLetterReason.UNKNOWN_MAGIC);
            case 3 -> new Case("foreign format", key, utf8(FOREIGN_FORMATS[random.nextInt(FOREIGN_FORMATS.length)]),
                    DeadLetterReason.UNKNOWN_MAGIC);
            case 4 -> new Case("unknown fingerprint", key, withFingerprint(valid, unknownFingerprint()),
                    DeadLetterReason.UNKNOWN_SCHEMA);
            case 5 -> new Case("unknown Confluent schema id", key, confluent(1 + random.nextInt(1 << 30), valid),
                    DeadLetterReason.UNKNOWN_SCHEMA);
            case 6 -> new Case(random.nextBoolean() ? "empty value" : "null value (tombstone)", key,
                    random.nextBoolean() ? new byte[0] : null, DeadLetterReason.EMPTY_PAYLOAD);
            case 7 -> new Case("enum index out of range", key,
                    singleObject(datum(user).eventType(EVENT_TYPES + random.nextInt(1_000))), DeadLetterReason.MALFORMED_AVRO);
            case 8 -> new Case("union index out of range", key,
                    singleObject(datum(user).categoryBranch(2 + random.nextInt(100))), DeadLetterReason.MALFORMED_AVRO);
            case 9 -> new Case("negative string length", key,
                    singleObject(datum(user).itemLength(-1 - random.nextInt(1_000_000))), DeadLetterReason.MALFORMED_AVRO);
            case 10 -> new Case("string length past the end", key,
                    singleObject(datum(user).itemLength(limits.maxRecordBytes + random.nextInt(1 << 30))),
                    DeadLetterReason.TRUNCATED);
            case 11 -> new Case("map declaring a billion entries", key,
                    singleObject(datum(user).contextBlock(1_000_000_000 + random.nextInt(1 << 20))),
                    DeadLetterReason.TRUNCATED);
            case 12 -> new Case("trailing bytes after the datum", key, withTrailingBytes(valid),
                    DeadLetterReason.MALFORMED_AVRO);
            case 13 -> blankId(key, user);
            case 14 -> new Case("over-long id", key,
                    singleObject(datum(user).item(utf8("i".repeat(limits.maxIdLength + 1 + random.nextInt(4_000))))),
                    DeadLetterReason.OVERSIZED_FIELD);
            case 15 -> new Case("too many context entries", key,
                    singleObject(datum(user).contextEntries(limits.maxContextEntries + 1 + random.nextInt(100))),
                    DeadLetterReason.OVERSIZED_FIELD);
            case 16 -> new Case("oversized record", key, Arrays.copyOf(valid, limits.maxRecordBytes + 1 + random.nextInt(10_000)),
                    DeadLetterReason.OVERSIZED_RECORD);
            case 17 -> invalidUtf8(key, user);
            case 18 -> new Case("control character in an id", key,
                    singleObject(datum(user).item(utf8("item" + (char) random.nextInt(0x20) + "x"))),
                    DeadLetterReason.INVALID_ID);
            case 19 -> new Case("event time far in the past", key,
                    singleObject(datum(user).time(random.nextBoolean() ? -1 - random.nextInt(1 << 30)
                            : random.nextInt((int) Math.min(Integer.MAX_VALUE, limits.minEventTimeMillis)))),
                    DeadLetterReason.INVALID_EVENT_TIME);
            case 20 -> new Case("event time far in the future", key,
                    singleObject(datum(user).time(random.nextBoolean() ? Long.MAX_VALUE
                            : 32_503_680_000_000L + random.nextInt(1 << 30))), // year 3000 and later
                    DeadLetterReason.INVALID_EVENT_TIME);
            case 21 -> new Case("Confluent header cut short", key,
                    Arrays.copyOf(new byte[] {0, 0, 0, 0, 7}, 1 + random.nextInt(5)), DeadLetterReason.TRUNCATED);
            case 22 -> new Case("wrong type (event time as a string)", key,
                    singleObjectOf(TIME_AS_STRING, "event_time_millis", Long.toString(VALID_TIME_MILLIS)),
                    DeadLetterReason.SCHEMA_MISMATCH);
            case 23 -> new Case("null for a required field (user id)", key,
                    singleObjectOf(NULLABLE_USER, "user_id", null), DeadLetterReason.SCHEMA_MISMATCH);
            default -> throw new IllegalArgumentException("kind " + kind);
        };
    }

    private Datum datum(String user) {
        return new Datum(user, "bad-" + Long.toHexString(random.nextLong()));
    }

    private Case headerBitFlips(byte[] key, byte[] valid) {
        byte[] flipped = valid.clone();
        int flips = 1 + random.nextInt(3);
        java.util.Set<Integer> bits = new java.util.HashSet<>();
        while (bits.size() < flips) {
            bits.add(random.nextInt(10 * 8)); // distinct bits of the 10-byte single-object header
        }
        bits.forEach(bit -> flipped[bit / 8] ^= (byte) (1 << (bit % 8)));
        // Magic first: a changed C3 01 is not single-object framing (C3 cannot become 00 in 3 flips);
        // an intact magic with a changed fingerprint names no schema.
        boolean magicChanged = flipped[0] != valid[0] || flipped[1] != valid[1];
        return new Case("bit flips in the header", key, flipped,
                magicChanged ? DeadLetterReason.UNKNOWN_MAGIC : DeadLetterReason.UNKNOWN_SCHEMA);
    }

    private Case blankId(byte[] key, String user) {
        String blank = new String[] {"", " ", "   ", "\u00A0\u2003"}[random.nextInt(4)];
        return switch (random.nextInt(3)) {
            case 0 -> new Case("blank user id", key, singleObject(datum(blank)), DeadLetterReason.MISSING_USER_ID);
            case 1 -> new Case("blank item id", key, singleObject(datum(user).item(utf8(blank))),
                    DeadLetterReason.MISSING_ITEM_ID);
            default -> new Case("blank event id", key, singleObject(datum(user).eventId(utf8(blank))),
                    DeadLetterReason.MISSING_EVENT_ID);
        };
    }

    private Case invalidUtf8(byte[] key, String user) {
        byte[] bad = INVALID_UTF8[random.nextInt(INVALID_UTF8.length)];
        ByteBuffer id = ByteBuffer.allocate(4 + bad.length + 4);
        id.put(utf8("item")).put(bad).put(utf8("tail"));
        Datum datum = random.nextBoolean() ? datum(user).item(id.array()) : datum(user).user(id.array());
        return new Case("invalid UTF-8 in an id", key, singleObject(datum), DeadLetterReason.INVALID_ID);
    }

    private byte[] withRandomFirstByte(byte[] valid) {
        byte[] copy = valid.clone();
        byte first;
        do {
            first = (byte) random.nextInt(256);
        } while (first == (byte) 0xC3 || first == 0x00);
        copy[0] = first;
        return copy;
    }

    private long unknownFingerprint() {
        long fingerprint;
        do {
            fingerprint = random.nextLong();
        } while (fingerprint == FINGERPRINT);
        return fingerprint;
    }

    private byte[] withTrailingBytes(byte[] valid) {
        byte[] copy = Arrays.copyOf(valid, valid.length + 1 + random.nextInt(32));
        for (int i = valid.length; i < copy.length; i++) {
            copy[i] = (byte) random.nextInt(256);
        }
        return copy;
    }

    private static byte[] withFingerprint(byte[] singleObject, long fingerprint) {
        byte[] copy = singleObject.clone();
        ByteBuffer.wrap(copy, 2, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(fingerprint);
        return copy;
    }

    /** Confluent framing (00, 4-byte big-endian schema id) around the datum of a single-object record. */
    private static byte[] confluent(int schemaId, byte[] singleObject) {
        ByteBuffer out = ByteBuffer.allocate(5 + singleObject.length - 10);
        out.put((byte) 0).putInt(schemaId).put(singleObject, 10, singleObject.length - 10);
        return out.array();
    }

    private static byte[] singleObject(Datum datum) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0xC3);
        out.write(0x01);
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(FINGERPRINT).array());
        try {
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            datum.writeTo(encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A ClickEvent datum in the schema's field order, valid until a setter breaks it. Strings are
     * raw bytes (Avro writes string and bytes alike), so invalid UTF-8 can be put in.
     */
    private static final class Datum {
        private byte[] eventId;
        private byte[] user;
        private byte[] item = utf8("i-1");
        private Integer itemLength;
        private int eventType = 1;
        private long time = VALID_TIME_MILLIS;
        private int categoryBranch = 0;
        private int contextEntries = 0;
        private long contextBlock = 0;

        Datum(String user, String eventId) {
            this.user = utf8(user);
            this.eventId = utf8(eventId);
        }

        Datum eventId(byte[] v) { eventId = v; return this; }
        Datum user(byte[] v) { user = v; return this; }
        Datum item(byte[] v) { item = v; return this; }
        /** Declares this length for item_id but writes its real bytes. */
        Datum itemLength(int v) { itemLength = v; return this; }
        Datum eventType(int v) { eventType = v; return this; }
        Datum time(long v) { time = v; return this; }
        Datum categoryBranch(int v) { categoryBranch = v; return this; }
        Datum contextEntries(int v) { contextEntries = v; return this; }
        /** One map block declaring this many entries, followed by none. */
        Datum contextBlock(long v) { contextBlock = v; return this; }

        void writeTo(BinaryEncoder out) throws IOException {
            out.writeBytes(eventId);
            out.writeBytes(user);
            if (itemLength == null) {
                out.writeBytes(item);
            } else {
                out.writeLong(itemLength);
                out.writeFixed(item);
            }
            out.writeInt(eventType); // enum index
            out.writeLong(time);
            out.writeInt(categoryBranch); // union index: 0 = null
            if (categoryBranch == 1) {
                out.writeBytes(utf8("c"));
            }
            out.writeInt(0); // session_id: null
            if (contextBlock > 0) {
                out.writeInt(1);
                out.writeLong(contextBlock);
            } else if (contextEntries > 0) {
                out.writeInt(1);
                out.writeLong(contextEntries);
                for (int i = 0; i < contextEntries; i++) {
                    out.writeBytes(utf8("k" + i));
                    out.writeBytes(utf8("v"));
                }
                out.writeLong(0); // end of map
            } else {
                out.writeInt(0); // context: null
            }
        }
    }
}
