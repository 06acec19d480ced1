package io.nextitem.io;

import io.nextitem.avro.ClickEvent;
import io.nextitem.avro.DeadLetterReason;
import io.nextitem.config.DecoderSettings;
import java.time.Instant;
import java.util.Map;
import java.util.function.LongSupplier;

/** Checks a decoded click against what the job can serve: ids present and bounded, plausible time. */
public final class ClickEventValidator {
    private final DecoderSettings settings;
    private final LongSupplier wallClockMillis;

    public ClickEventValidator(DecoderSettings settings, LongSupplier wallClockMillis) {
        this.settings = settings;
        this.wallClockMillis = wallClockMillis;
    }

    public DecodeOutcome validate(ClickEvent event) {
        if (isBlank(event.getUserId())) {
            return DecodeOutcome.reject(DeadLetterReason.MISSING_USER_ID, "user_id is empty (event_id '" + event.getEventId() + "')");
        }
        if (isBlank(event.getItemId())) {
            return DecodeOutcome.reject(DeadLetterReason.MISSING_ITEM_ID, "item_id is empty (user_id '" + clip(event.getUserId()) + "')");
        }
        if (isBlank(event.getEventId())) {
            return DecodeOutcome.reject(DeadLetterReason.MISSING_EVENT_ID, "event_id is empty (user_id '" + clip(event.getUserId()) + "')");
        }
        String oversized = firstOversized(event);
        if (oversized != null) {
            return DecodeOutcome.reject(DeadLetterReason.OVERSIZED_FIELD, oversized);
        }
        String invalid = firstInvalidText(event);
        if (invalid != null) {
            return DecodeOutcome.reject(DeadLetterReason.INVALID_ID, invalid);
        }
        long time = event.getEventTimeMillis();
        long latest = wallClockMillis.getAsLong() + settings.maxFutureSkewMs;
        if (time < settings.minEventTimeMillis || time > latest) {
            return DecodeOutcome.reject(DeadLetterReason.INVALID_EVENT_TIME, "event_time_millis " + time
                    + " is outside [" + Instant.ofEpochMilli(settings.minEventTimeMillis) + ", now + "
                    + settings.maxFutureSkewMs + " ms]");
        }
        return new DecodeOutcome.Accepted(event);
    }

    private String firstOversized(ClickEvent event) {
        int max = settings.maxIdLength;
        String[][] fields = {
            {"event_id", event.getEventId()}, {"user_id", event.getUserId()}, {"item_id", event.getItemId()},
            {"category", event.getCategory()}, {"session_id", event.getSessionId()}};
        for (String[] field : fields) {
            if (field[1] != null && field[1].length() > max) {
                return field[0] + " has " + field[1].length() + " characters, more than decoder.max-id-length = " + max;
            }
        }
        Map<String, String> context = event.getContext();
        if (context != null) {
            if (context.size() > settings.maxContextEntries) {
                return "context has " + context.size() + " entries, more than decoder.max-context-entries = "
                        + settings.maxContextEntries;
            }
            for (Map.Entry<String, String> entry : context.entrySet()) {
                if (entry.getKey().length() > max || (entry.getValue() != null && entry.getValue().length() > max)) {
                    return "context entry '" + clip(entry.getKey()) + "' is longer than decoder.max-id-length = " + max;
                }
            }
        }
        return null;
    }

    /**
     * The first id that is not clean text: bytes that were not valid UTF-8 (the decoder turns them
     * into U+FFFD), control characters, or unpaired surrogates. Such an id would key state and
     * output by an unreadable, possibly colliding string, so the click is refused instead.
     */
    private static String firstInvalidText(ClickEvent event) {
        String[][] fields = {
            {"event_id", event.getEventId()}, {"user_id", event.getUserId()}, {"item_id", event.getItemId()},
            {"category", event.getCategory()}, {"session_id", event.getSessionId()}};
        for (String[] field : fields) {
            String value = field[1];
            if (value == null) {
                continue;
            }
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                boolean pairedSurrogate = Character.isHighSurrogate(c) && i + 1 < value.length()
                        && Character.isLowSurrogate(value.charAt(i + 1));
                if (pairedSurrogate) {
                    i++;
                } else if (c == '\uFFFD' || Character.isISOControl(c) || Character.isSurrogate(c)) {
                    return String.format("%s holds %s at character %d", field[0],
                            c == '\uFFFD' ? "bytes that are not valid UTF-8" : String.format("U+%04X", (int) c), i);
                }
            }
        }
        return null;
    }

    /** Empty, or only white space and space separators (NBSP and the like count: they look blank too). */
    private static boolean isBlank(String s) {
        return s == null || s.codePoints().allMatch(c -> Character.isWhitespace(c) || Character.isSpaceChar(c));
    }

    private static String clip(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }
}
