package io.nextitem.config;

import java.util.List;

/** The checks job settings share; each message names the key and says what to change. */
final class ConfigChecks {
    private ConfigChecks() {}

    static Setting.Check<String> nonBlank() {
        return Setting.Check.of("not empty", (key, value) ->
                value == null || value.isBlank() ? key + " is empty: give it a value" : null);
    }

    static <N extends Number> Setting.Check<N> atLeast(long min) {
        return Setting.Check.of("at least " + min, (key, value) ->
                value.longValue() < min ? key + " is " + value + ": it must be at least " + min : null);
    }

    static <N extends Number> Setting.Check<N> between(long min, long max) {
        return Setting.Check.of("between " + min + " and " + max, (key, value) ->
                value.longValue() < min || value.longValue() > max
                        ? key + " is " + value + ": it must be between " + min + " and " + max : null);
    }

    /** One of a few words; the message lists them ("use a, b or c"). */
    static Setting.Check<String> oneOf(List<String> allowed) {
        String words = allowed.size() == 1 ? allowed.get(0)
                : String.join(", ", allowed.subList(0, allowed.size() - 1)) + " or " + allowed.get(allowed.size() - 1);
        return Setting.Check.of("one of " + String.join(", ", allowed), (key, value) ->
                allowed.contains(value) ? null : key + " is '" + value + "': use " + words);
    }

    /** A URI with a scheme, as Flink's file systems want (file://, s3://, ...). */
    static Setting.Check<String> uri(String example, String orElse) {
        return Setting.Check.of("a URI such as " + example + (orElse == null ? "" : ", or " + orElse), (key, value) ->
                value == null || value.isBlank() || value.contains("://") ? null
                        : key + " '" + value + "' must be a URI such as " + example + (orElse == null ? "" : " (or " + orElse + ")"));
    }
}
