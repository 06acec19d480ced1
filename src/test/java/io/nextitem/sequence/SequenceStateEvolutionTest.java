package io.nextitem.sequence;

import static org.assertj.core.api.Assertions.assertThat;

import io.nextitem.io.AvroCodecs;
import io.nextitem.sequence.state.SequenceEntry;
import io.nextitem.sequence.state.UserSequenceState;
import java.io.ByteArrayOutputStream;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Sequence state written before event keys (entries with the event id itself) reads into the
 * current schema: each old entry keeps its id and has key 0 (UserSequenceFunctionTest shows such an
 * entry still recognises a retry).
 */
class SequenceStateEvolutionTest {
    /** UserSequenceState as jobs wrote it before event_key (commit b5a038b and earlier). */
    private static final Schema BEFORE_EVENT_KEYS = new Schema.Parser().parse("""
            {"type": "record", "name": "UserSequenceState", "namespace": "io.nextitem.sequence.state", "fields": [
              {"name": "entries", "type": {"type": "array", "items": {
                "type": "record", "name": "SequenceEntry", "fields": [
                  {"name": "item_id", "type": "string"},
                  {"name": "event_time_millis", "type": "long"},
                  {"name": "category", "type": ["null", "string"], "default": null},
                  {"name": "event_id", "type": ["null", "string"], "default": null}]}}, "default": []}]}
            """);

    @ParameterizedTest(name = "generated coders {0}")
    @ValueSource(booleans = {false, true})
    void anOldEntryReadsWithItsEventIdAndNoKey(boolean generatedCoders) throws Exception {
        // Both decoders: Avro's schema-driven one, and the generated one the job turns on (AvroCodecs).
        SpecificData.getForClass(UserSequenceState.class).setCustomCoders(generatedCoders);
        Schema entrySchema = BEFORE_EVENT_KEYS.getField("entries").schema().getElementType();
        GenericRecord entry = new GenericData.Record(entrySchema);
        entry.put("item_id", "a");
        entry.put("event_time_millis", 1_767_225_600_000L);
        entry.put("category", null);
        entry.put("event_id", "legacy-id");
        GenericRecord state = new GenericData.Record(BEFORE_EVENT_KEYS);
        state.put("entries", List.of(entry));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new GenericDatumWriter<GenericRecord>(BEFORE_EVENT_KEYS).write(state, encoder);
        encoder.flush();

        // Flink's Avro state serializer migrates old state by this same resolution (writer schema
        // from the snapshot, reader schema of the class).
        UserSequenceState read = new SpecificDatumReader<UserSequenceState>(BEFORE_EVENT_KEYS, UserSequenceState.getClassSchema())
                .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
        SequenceEntry old = read.getEntries().get(0);
        assertThat(old.getEventId()).isEqualTo("legacy-id");
        assertThat(old.getEventKey()).isZero();
        assertThat(old.getItemId()).isEqualTo("a");
        AvroCodecs.useGeneratedCoders();
    }
}
