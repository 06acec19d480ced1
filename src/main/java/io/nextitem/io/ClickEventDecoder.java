package io.nextitem.io;

import io.nextitem.avro.ClickEvent;
import io.nextitem.avro.DeadLetterReason;
import io.nextitem.config.DecoderSettings;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.AvroTypeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificDatumReader;

/**
 * Turns record bytes into a validated {@link ClickEvent}, or says precisely why not. Accepts
 * Avro single-object encoding ({@code C3 01} + 8-byte CRC-64-AVRO fingerprint + datum, writer
 * schema looked up by fingerprint among {@link WriterSchemas}) and the Confluent wire format
 * ({@code 00} + 4-byte big-endian schema id + datum, writer schema from
 * {@link ConfluentSchemaResolver}). It never throws for bad input.
 *
 * <p>Not thread-safe; each operator instance owns one.
 */
public final class ClickEventDecoder {
    static final byte SINGLE_OBJECT_MAGIC_0 = (byte) 0xC3;
    static final byte SINGLE_OBJECT_MAGIC_1 = (byte) 0x01;
    static final int SINGLE_OBJECT_HEADER_BYTES = 10;
    static final byte CONFLUENT_MAGIC = 0x00;
    static final int CONFLUENT_HEADER_BYTES = 5;

    private final DecoderSettings settings;
    /**
     * Writer schema fingerprint (CRC-64-AVRO of the parsing form) to a reader resolving it to
     * ClickEvent. Avro's own BinaryMessageDecoder does the same lookup but ignores bytes left
     * after the datum; a record with trailing bytes is not what its producer meant to send.
     */
    private final Map<Long, SpecificDatumReader<ClickEvent>> singleObjectReaders = new HashMap<>();
    private final ConfluentSchemaResolver confluentSchemas;
    private final ClickEventValidator validator;
    private final BoundedRecordDecoder recordDecoder = new BoundedRecordDecoder();

    public ClickEventDecoder(DecoderSettings settings, ClickEventValidator validator) {
        AvroCodecs.useGeneratedCoders();
        this.settings = settings;
        this.validator = validator;
        for (Schema writer : WriterSchemas.load(settings.schemaDir)) {
            singleObjectReaders.put(SchemaNormalization.parsingFingerprint64(writer),
                    new SpecificDatumReader<>(writer, ClickEvent.getClassSchema()));
        }
        this.confluentSchemas = new ConfluentSchemaResolver(
                settings.confluentSchemaIds, settings.schemaDir, settings.schemaRegistryUrl);
    }

    public DecodeOutcome decode(byte[] value) {
        if (value == null || value.length == 0) {
            return DecodeOutcome.reject(DeadLetterReason.EMPTY_PAYLOAD, "record value is empty");
        }
        if (value.length > settings.maxRecordBytes) {
            return DecodeOutcome.reject(DeadLetterReason.OVERSIZED_RECORD, "record value is " + value.length
                    + " bytes, more than decoder.max-record-bytes = " + settings.maxRecordBytes);
        }
        if (value[0] == SINGLE_OBJECT_MAGIC_0) {
            if (value.length > 1 && value[1] != SINGLE_OBJECT_MAGIC_1) {
                return unknownMagic(value);
            }
            return decodeSingleObject(value);
        }
        if (value[0] == CONFLUENT_MAGIC) {
            return decodeConfluent(value);
        }
        return unknownMagic(value);
    }

    private DecodeOutcome decodeSingleObject(byte[] value) {
        if (value.length < SINGLE_OBJECT_HEADER_BYTES) {
            return DecodeOutcome.reject(DeadLetterReason.TRUNCATED, "single-object header needs "
                    + SINGLE_OBJECT_HEADER_BYTES + " bytes, record has " + value.length);
        }
        long fingerprint = ByteBuffer.wrap(value, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        SpecificDatumReader<ClickEvent> reader = singleObjectReaders.get(fingerprint);
        if (reader == null) {
            return DecodeOutcome.reject(DeadLetterReason.UNKNOWN_SCHEMA, String.format(
                    "no known writer schema has fingerprint 0x%016X; add the producer's schema to decoder.schema-dir",
                    fingerprint));
        }
        return readDatum(reader, value, SINGLE_OBJECT_HEADER_BYTES, String.format("fingerprint 0x%016X", fingerprint));
    }

    /** Reads one datum filling value[offset..], validated; bytes left over make it malformed. */
    private DecodeOutcome readDatum(SpecificDatumReader<ClickEvent> reader, byte[] value, int offset, String writer) {
        try {
            ClickEvent event = reader.read(null, recordDecoder.reset(value, offset));
            if (!recordDecoder.isEnd()) {
                return DecodeOutcome.reject(DeadLetterReason.MALFORMED_AVRO, "bytes left over after the datum of " + writer);
            }
            return validator.validate(event);
        } catch (IOException | RuntimeException e) {
            return datumFailure(e);
        }
    }

    private DecodeOutcome decodeConfluent(byte[] value) {
        if (value.length < CONFLUENT_HEADER_BYTES + 1) {
            return DecodeOutcome.reject(DeadLetterReason.TRUNCATED, "Confluent header needs "
                    + CONFLUENT_HEADER_BYTES + " bytes and a datum, record has " + value.length);
        }
        int schemaId = ByteBuffer.wrap(value, 1, 4).getInt();
        Optional<Schema> writer;
        try {
            writer = confluentSchemas.resolve(schemaId);
        } catch (ConfluentSchemaResolver.RegistryUnavailableException e) {
            return DecodeOutcome.reject(DeadLetterReason.REGISTRY_UNAVAILABLE, e.getMessage());
        }
        if (writer.isEmpty()) {
            return DecodeOutcome.reject(DeadLetterReason.UNKNOWN_SCHEMA, "Confluent schema id " + schemaId
                    + " is neither in decoder.confluent-schema-ids nor in the registry");
        }
        SpecificDatumReader<ClickEvent> reader = new SpecificDatumReader<>(writer.get(), ClickEvent.getClassSchema());
        return readDatum(reader, value, CONFLUENT_HEADER_BYTES, "schema id " + schemaId);
    }

    private static DecodeOutcome unknownMagic(byte[] value) {
        return DecodeOutcome.reject(DeadLetterReason.UNKNOWN_MAGIC, String.format(
                "first bytes 0x%02X%s are neither Avro single-object (C3 01) nor Confluent (00) framing",
                value[0], value.length > 1 ? String.format(" 0x%02X", value[1]) : ""));
    }

    private static DecodeOutcome datumFailure(Exception e) {
        if (hasCause(e, EOFException.class)) {
            return DecodeOutcome.reject(DeadLetterReason.TRUNCATED, "datum ends early: " + describe(e));
        }
        if (e instanceof AvroTypeException) {
            return DecodeOutcome.reject(DeadLetterReason.SCHEMA_MISMATCH,
                    "writer schema cannot be read as ClickEvent: " + describe(e));
        }
        if (e instanceof AvroRuntimeException || e instanceof IOException || e instanceof IndexOutOfBoundsException
                || e instanceof NegativeArraySizeException) {
            return DecodeOutcome.reject(DeadLetterReason.MALFORMED_AVRO, "datum is not valid Avro: " + describe(e));
        }
        return DecodeOutcome.reject(DeadLetterReason.OTHER, "unexpected decoding failure: " + describe(e));
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage()
                + (root != e ? " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")" : "");
    }
}
