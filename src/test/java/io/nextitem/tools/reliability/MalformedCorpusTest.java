package io.nextitem.tools.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.nextitem.avro.ClickEvent;
import io.nextitem.avro.DeadLetterReason;
import io.nextitem.config.DecoderSettings;
import io.nextitem.io.ClickEventDecoder;
import io.nextitem.io.ClickEventValidator;
import io.nextitem.io.DecodeOutcome;
import io.nextitem.testing.Clicks;
import io.nextitem.testing.MalformedClicks;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every generated broken record gets exactly the reason the corpus promises, from the job's own decoder. */
class MalformedCorpusTest {
    private static final DecoderSettings DEFAULTS = new DecoderSettings();

    @TempDir
    static Path schemas;

    /** The job's decoder with default limits, knowing the corpus's wrong writer schemas as the scenario's does. */
    private static ClickEventDecoder decoder() {
        DecoderSettings settings = new DecoderSettings();
        try {
            settings.schemaDir = MalformedCorpus.writeWriterSchemas(schemas).toString();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return new ClickEventDecoder(settings, new ClickEventValidator(settings, () -> Clicks.T0));
    }

    @Test
    void everyCaseIsRejectedWithItsReason() {
        List<MalformedCorpus.Case> corpus = MalformedCorpus.generate(5_000, DEFAULTS, 11);
        ClickEventDecoder decoder = decoder();
        Map<String, Long> wrong = new TreeMap<>();
        for (MalformedCorpus.Case c : corpus) {
            DecodeOutcome outcome = decoder.decode(c.value());
            DeadLetterReason got = outcome instanceof DecodeOutcome.Rejected r ? r.reason() : null;
            if (got != c.expected()) {
                wrong.merge(c.kind() + ": expected " + c.expected() + ", got " + (got == null ? "ACCEPTED" : got)
                        + (outcome instanceof DecodeOutcome.Rejected r ? " (" + r.message() + ")" : ""), 1L, Long::sum);
            }
        }
        assertThat(wrong).as("cases whose reason differs").isEmpty();
        assertThat(corpus.stream().map(MalformedCorpus.Case::kind).collect(Collectors.toSet())).hasSizeGreaterThanOrEqualTo(24);
        Set<DeadLetterReason> reasons = EnumSet.noneOf(DeadLetterReason.class);
        corpus.forEach(c -> reasons.add(c.expected()));
        // every click reason; INVALID_ITEM_UPDATE belongs to items.topic (ItemUpdateDecoderTest)
        assertThat(reasons).containsAll(EnumSet.complementOf(EnumSet.of(DeadLetterReason.REGISTRY_UNAVAILABLE,
                DeadLetterReason.OTHER, DeadLetterReason.INVALID_ITEM_UPDATE)));
    }

    @Test
    void theCorpusIsReproducibleFromItsSeed() {
        List<MalformedCorpus.Case> a = MalformedCorpus.generate(500, DEFAULTS, 3);
        List<MalformedCorpus.Case> b = MalformedCorpus.generate(500, DEFAULTS, 3);
        for (int i = 0; i < a.size(); i++) {
            assertThat(b.get(i).value()).isEqualTo(a.get(i).value());
            assertThat(b.get(i).kind()).isEqualTo(a.get(i).kind());
        }
    }

    @Test
    void cleanUnicodeIdsAreValidClicks() {
        ClickEventDecoder decoder = decoder();
        for (String user : ReplayPlan.UNICODE_USER_PREFIXES) {
            ClickEvent click = Clicks.click(user + "-1", "i-\u00e9\u6f22\uD83D\uDE00", Clicks.T0);
            assertThat(decoder.decode(MalformedClicks.singleObject(click))).as(user)
                    .isEqualTo(new DecodeOutcome.Accepted(click));
        }
    }
}
