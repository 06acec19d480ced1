package io.nextitem.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.nextitem.sequence.state.SequenceEntry;
import io.nextitem.sequence.state.UserSequenceState;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.formats.avro.typeutils.AvroSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The generated coders are on for every record, and they are the same encoding as Avro's
 * schema-driven one: state and topics written before the switch read after it, and the other way.
 */
class AvroCodecsTest {
    @AfterEach
    void leaveThemOnAsTheJobDoes() {
        AvroCodecs.useGeneratedCoders();
    }

    @Test
    void everyRecordHasGeneratedCodersAndTheyAreOn() throws Exception {
        AvroCodecs.useGeneratedCoders();
        for (Class<? extends SpecificRecordBase> record : AvroCodecs.RECORDS) {
            assertThat(SpecificData.getForClass(record).useCustomCoders()).as(record.getSimpleName()).isTrue();
            // A record whose schema Avro cannot code straight (a logical type, say) gets no coders,
            // and the switch would do nothing for it.
            Method hasCustomCoders = SpecificRecordBase.class.getDeclaredMethod("hasCustomCoders");
            hasCustomCoders.setAccessible(true);
            assertThat(hasCustomCoders.invoke(record.getDeclaredConstructor().newInstance()))
                    .as(record.getSimpleName()).isEqualTo(true);
        }
    }

    @Test
    void stateBytesAreTheSameWithAndWithoutTheGeneratedCoders() throws Exception {
        UserSequenceState state = stateOf(50);
        byte[] generic = withCoders(false, () -> write(state));
        byte[] generated = withCoders(true, () -> write(state));
        assertThat(generated).isEqualTo(generic);
        assertThat(withCoders(true, () -> read(generic))).isEqualTo(state);
        assertThat(withCoders(false, () -> read(generated))).isEqualTo(state);
    }

    private static UserSequenceState stateOf(int entries) {
        List<SequenceEntry> list = new ArrayList<>();
        for (int i = 0; i < entries; i++) {
            // every field kind: the optional category present and absent, the legacy id on one entry
            list.add(new SequenceEntry("item-" + i, 1_767_225_600_000L + i, i % 2 == 0 ? "c" + i : null,
                    i == 0 ? "legacy-id" : null, 0x7fff_ffff_ffffL - i));
        }
        return new UserSequenceState(list);
    }

    private static byte[] write(UserSequenceState state) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(4096);
        new AvroSerializer<>(UserSequenceState.class).serialize(state, out);
        return out.getCopyOfBuffer();
    }

    private static UserSequenceState read(byte[] bytes) throws Exception {
        return new AvroSerializer<>(UserSequenceState.class).deserialize(new DataInputDeserializer(bytes));
    }

    private interface Io<T> {
        T run() throws Exception;
    }

    private static <T> T withCoders(boolean on, Io<T> action) throws Exception {
        for (Class<? extends SpecificRecordBase> record : AvroCodecs.RECORDS) {
            SpecificData.getForClass(record).setCustomCoders(on);
        }
        return action.run();
    }
}
