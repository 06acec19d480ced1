package io.nextitem.config;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How click bytes are decoded and what counts as a valid click. */
public class DecoderSettings implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * Extra directory of writer schemas (*.avsc) accepted for single-object encoded clicks, for
     * producers on older or newer ClickEvent versions. The bundled schemas are always known.
     */
    public String schemaDir;
    /** Confluent-compatible registry base URL for the Confluent wire format; optional. */
    public String schemaRegistryUrl;
    /** Confluent schema id to a local schema file (resolved against schema-dir), used before the registry. */
    public Map<Integer, String> confluentSchemaIds = new LinkedHashMap<>();
    /** Longest user, item, event or session id accepted, in characters. */
    public int maxIdLength = 256;
    public int maxContextEntries = 64;
    /** Largest record value accepted, in bytes. */
    public int maxRecordBytes = 65_536;
    /** Earliest plausible event time (default 1990-01-01), epoch millis. */
    public long minEventTimeMillis = 631_152_000_000L;
    /** How far past the wall clock an event time may lie. */
    public long maxFutureSkewMs = 86_400_000L;

    void validate(List<String> errors) {
        ConfigChecks.between(errors, "decoder.max-id-length", maxIdLength, 1, 65_536);
        ConfigChecks.between(errors, "decoder.max-context-entries", maxContextEntries, 0, 10_000);
        ConfigChecks.between(errors, "decoder.max-record-bytes", maxRecordBytes, 16, 10_485_760);
        ConfigChecks.atLeast(errors, "decoder.min-event-time-millis", minEventTimeMillis, 0);
        ConfigChecks.atLeast(errors, "decoder.max-future-skew-ms", maxFutureSkewMs, 0);
        if (!confluentSchemaIds.isEmpty() && (schemaDir == null || schemaDir.isBlank())) {
            errors.add("decoder.confluent-schema-ids is set but decoder.schema-dir is not: "
                    + "set schema-dir to the folder holding those schema files");
        }
        if (schemaRegistryUrl != null && !schemaRegistryUrl.matches("https?://.+")) {
            errors.add("decoder.schema-registry-url '" + schemaRegistryUrl + "' must start with http:// or https://");
        }
    }
}
