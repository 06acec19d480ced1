package io.nextitem.config;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How click bytes are decoded and what counts as a valid click. */
public class DecoderSettings implements Serializable {
    private static final long serialVersionUID = 1L;

    static final Setting.Section<DecoderSettings> SECTION = Setting.Section.of("decoder", config -> config.decoder);
    static final Setting<DecoderSettings, String> SCHEMA_DIR = SECTION.key("schema-dir").stringType()
            .noDefaultValue()
            .withDescription("Extra folder of writer schemas (*.avsc) accepted for single-object encoded clicks, for "
                    + "producers on older or newer ClickEvent versions. The bundled schemas are always known.")
            .field(d -> d.schemaDir, (d, v) -> d.schemaDir = v);
    static final Setting<DecoderSettings, String> SCHEMA_REGISTRY_URL = SECTION.key("schema-registry-url").stringType()
            .noDefaultValue()
            .withDescription("Confluent-compatible schema registry base URL, for the Confluent wire format; optional.")
            .checkedBy(Setting.Check.of("an http:// or https:// URL", (key, value) ->
                    value != null && !value.matches("https?://.+")
                            ? key + " '" + value + "' must start with http:// or https://" : null))
            .field(d -> d.schemaRegistryUrl, (d, v) -> d.schemaRegistryUrl = v);
    static final Setting<DecoderSettings, Map<Integer, String>> CONFLUENT_SCHEMA_IDS = SECTION.key("confluent-schema-ids")
            .intKeyedStringMapType()
            .defaultValue(Map.of())
            .withDescription("Confluent schema id to a schema file in decoder.schema-dir, used before the registry.")
            .field(d -> d.confluentSchemaIds, (d, v) -> d.confluentSchemaIds = v);
    static final Setting<DecoderSettings, Integer> MAX_ID_LENGTH = SECTION.key("max-id-length").intType()
            .defaultValue(256)
            .withDescription("Longest user, item, event or session id accepted, in characters.")
            .checkedBy(ConfigChecks.between(1, 65_536))
            .field(d -> d.maxIdLength, (d, v) -> d.maxIdLength = v);
    static final Setting<DecoderSettings, Integer> MAX_CONTEXT_ENTRIES = SECTION.key("max-context-entries").intType()
            .defaultValue(64)
            .withDescription("Most context entries a click may carry.")
            .checkedBy(ConfigChecks.between(0, 10_000))
            .field(d -> d.maxContextEntries, (d, v) -> d.maxContextEntries = v);
    static final Setting<DecoderSettings, Integer> MAX_RECORD_BYTES = SECTION.key("max-record-bytes").intType()
            .defaultValue(65_536)
            .withDescription("Largest record value accepted, in bytes.")
            .checkedBy(ConfigChecks.between(16, 10_485_760))
            .field(d -> d.maxRecordBytes, (d, v) -> d.maxRecordBytes = v);
    static final Setting<DecoderSettings, Long> MIN_EVENT_TIME_MILLIS = SECTION.key("min-event-time-millis").longType()
            .defaultValue(631_152_000_000L)
            .withDescription("Earliest plausible event time, epoch millis (default 1990-01-01).")
            .checkedBy(ConfigChecks.atLeast(0))
            .field(d -> d.minEventTimeMillis, (d, v) -> d.minEventTimeMillis = v);
    static final Setting<DecoderSettings, Long> MAX_FUTURE_SKEW_MS = SECTION.key("max-future-skew-ms").longType()
            .defaultValue(86_400_000L)
            .withDescription("How far past the wall clock an event time may lie, in ms.")
            .checkedBy(ConfigChecks.atLeast(0))
            .field(d -> d.maxFutureSkewMs, (d, v) -> d.maxFutureSkewMs = v);
    static final List<Setting<DecoderSettings, ?>> SETTINGS = List.of(SCHEMA_DIR, SCHEMA_REGISTRY_URL,
            CONFLUENT_SCHEMA_IDS, MAX_ID_LENGTH, MAX_CONTEXT_ENTRIES, MAX_RECORD_BYTES, MIN_EVENT_TIME_MILLIS,
            MAX_FUTURE_SKEW_MS);

    public String schemaDir = SCHEMA_DIR.defaultValue();
    public String schemaRegistryUrl = SCHEMA_REGISTRY_URL.defaultValue();
    public Map<Integer, String> confluentSchemaIds = new LinkedHashMap<>(CONFLUENT_SCHEMA_IDS.defaultValue());
    public int maxIdLength = MAX_ID_LENGTH.defaultValue();
    public int maxContextEntries = MAX_CONTEXT_ENTRIES.defaultValue();
    public int maxRecordBytes = MAX_RECORD_BYTES.defaultValue();
    public long minEventTimeMillis = MIN_EVENT_TIME_MILLIS.defaultValue();
    public long maxFutureSkewMs = MAX_FUTURE_SKEW_MS.defaultValue();

    void validate(List<String> errors) {
        Setting.checkAll(SETTINGS, this, errors);
        if (!confluentSchemaIds.isEmpty() && (schemaDir == null || schemaDir.isBlank())) {
            errors.add("decoder.confluent-schema-ids is set but decoder.schema-dir is not: "
                    + "set schema-dir to the folder holding those schema files");
        }
    }
}
