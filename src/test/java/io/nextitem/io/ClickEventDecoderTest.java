package io.nextitem.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.nextitem.avro.ClickEvent;
import io.nextitem.avro.DeadLetterReason;
import io.nextitem.config.DecoderSettings;
import io.nextitem.testing.Clicks;
import io.nextitem.testing.MalformedClicks;
import io.nextitem.testing.OldProducerClicks;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ClickEventDecoderTest {

    private static ClickEventDecoder decoder(DecoderSettings settings) {
        return new ClickEventDecoder(settings, new ClickEventValidator(settings, () -> Clicks.T0));
    }

    static Stream<Arguments> malformed() {
        return MalformedClicks.all().stream().map(c -> Arguments.of(c.name(), c.bytes(), c.expected()));
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("malformed")
    void rejectsWithThePreciseReason(String name, byte[] bytes, DeadLetterReason expected) {
        DecodeOutcome outcome = decoder(new DecoderSettings()).decode(bytes);
        assertThat(outcome).isInstanceOfSatisfying(DecodeOutcome.Rejected.class, rejected -> {
            assertThat(rejected.reason()).isEqualTo(expected);
            assertThat(rejected.message()).isNotBlank();
        });
    }

    @Test
    void nullValueIsAnEmptyPayload() {
        assertThat(decoder(new DecoderSettings()).decode(null))
                .isEqualTo(new DecodeOutcome.Rejected(DeadLetterReason.EMPTY_PAYLOAD, "record value is empty"));
    }

    @Test
    void acceptsSingleObjectEncoding() {
        ClickEvent click = Clicks.click("u1", "i1", Clicks.T0);
        DecodeOutcome outcome = decoder(new DecoderSettings()).decode(MalformedClicks.singleObject(click));
        assertThat(outcome).isEqualTo(new DecodeOutcome.Accepted(click));
    }

    @Test
    void acceptsConfluentWireFormatWithALocalSchemaId() {
        DecoderSettings settings = new DecoderSettings();
        settings.schemaDir = Path.of("schemas/avro").toString();
        settings.confluentSchemaIds = Map.of(7, "ClickEvent.avsc");
        ClickEvent click = Clicks.click("u1", "i1", Clicks.T0);
        byte[] bytes = MalformedClicks.confluent(7, MalformedClicks.singleObject(click));
        assertThat(decoder(settings).decode(bytes)).isEqualTo(new DecodeOutcome.Accepted(click));
    }

    @Test
    void confluentDatumWithTrailingBytesIsMalformed() {
        DecoderSettings settings = new DecoderSettings();
        settings.schemaDir = Path.of("schemas/avro").toString();
        settings.confluentSchemaIds = Map.of(7, "ClickEvent.avsc");
        byte[] ok = MalformedClicks.confluent(7, MalformedClicks.singleObject(Clicks.click("u1", "i1", Clicks.T0)));
        byte[] padded = java.util.Arrays.copyOf(ok, ok.length + 3);
        assertThat(decoder(settings).decode(padded)).isInstanceOfSatisfying(DecodeOutcome.Rejected.class,
                r -> assertThat(r.reason()).isEqualTo(DeadLetterReason.MALFORMED_AVRO));
    }

    @Test
    void oldWriterSchemaDecodesWithTheNewReader() {
        byte[] bytes = OldProducerClicks.encode("e1", "u1", "i1", Clicks.T0);

        DecoderSettings withoutOldSchema = new DecoderSettings();
        assertThat(decoder(withoutOldSchema).decode(bytes)).isInstanceOfSatisfying(DecodeOutcome.Rejected.class,
                r -> assertThat(r.reason()).isEqualTo(DeadLetterReason.UNKNOWN_SCHEMA));

        DecoderSettings settings = new DecoderSettings();
        settings.schemaDir = OldProducerClicks.WRITER_SCHEMAS.toString();
        DecodeOutcome outcome = decoder(settings).decode(bytes);
        assertThat(outcome).isInstanceOfSatisfying(DecodeOutcome.Accepted.class, accepted -> {
            assertThat(accepted.event().getUserId()).isEqualTo("u1");
            assertThat(accepted.event().getCategory()).isNull();
        });
    }
}
