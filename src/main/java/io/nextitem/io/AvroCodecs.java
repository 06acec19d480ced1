package io.nextitem.io;

import io.nextitem.avro.ClickEvent;
import io.nextitem.avro.DeadLetter;
import io.nextitem.avro.ItemUpdate;
import io.nextitem.avro.LiveJudgement;
import io.nextitem.avro.ModelUpdate;
import io.nextitem.avro.Recommendation;
import io.nextitem.avro.TrainingExample;
import io.nextitem.sequence.state.UserSequenceState;
import java.util.List;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Turns on the coders that Avro generates into each record class ({@code customEncode} /
 * {@code customDecode}: straight-line reads and writes of the fields). Avro 1.11 leaves them off
 * unless the JVM sets {@code org.apache.avro.specific.use_custom_coders}, and then decodes every
 * record through a schema-driven generic loop that creates records by reflection and looks up the
 * string class of every string it reads. The user's sequence state (50 entries) is read and
 * written on every click, so that loop was about half of the keyed task's samples in a profile
 * of the bench job (JFR, 2 cores); with these coders the job ran 8% faster side by side
 * ({@code src/site/results/bench/avro-generated-coders/}). Schema resolution is unchanged: the
 * generated decoder follows the field order of the writer's schema and takes defaults for fields
 * the writer lacked ({@code SequenceStateEvolutionTest}).
 *
 * <p>The switch belongs to each class's own {@link SpecificData} ({@code MODEL$}), which Flink's
 * Avro serializer, the Kafka decoders and encoders all use, so one call per JVM covers state,
 * network and Kafka. The places that (de)serialize records call it when they open; it is idempotent.
 * {@code -Dorg.apache.avro.specific.use_custom_coders=false} on the task managers keeps Avro's
 * generic coders instead.
 */
public final class AvroCodecs {
    /** The top-level records; nested ones (entries, ranked items) are coded by their parent's coder. */
    static final List<Class<? extends SpecificRecordBase>> RECORDS = List.of(ClickEvent.class, UserSequenceState.class,
            Recommendation.class, TrainingExample.class, DeadLetter.class, LiveJudgement.class, ModelUpdate.class, ItemUpdate.class);

    /** Avro's own switch; set to false on the JVM, it keeps the generic coders (a way back, and the A/B). */
    static final String AVRO_FLAG = "org.apache.avro.specific.use_custom_coders";

    private AvroCodecs() {}

    public static void useGeneratedCoders() {
        boolean on = Boolean.parseBoolean(System.getProperty(AVRO_FLAG, "true"));
        for (Class<? extends SpecificRecordBase> record : RECORDS) {
            SpecificData.getForClass(record).setCustomCoders(on);
        }
    }
}
