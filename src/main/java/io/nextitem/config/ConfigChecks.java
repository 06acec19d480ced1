package io.nextitem.config;

import java.util.List;

/** Small checks shared by the settings classes; each adds a message that says what to change. */
final class ConfigChecks {
    private ConfigChecks() {}

    static void nonBlank(List<String> errors, String key, String value) {
        if (value == null || value.isBlank()) {
            errors.add(key + " is empty: give it a value");
        }
    }

    static void atLeast(List<String> errors, String key, long value, long min) {
        if (value < min) {
            errors.add(key + " is " + value + ": it must be at least " + min);
        }
    }

    static void between(List<String> errors, String key, long value, long min, long max) {
        if (value < min || value > max) {
            errors.add(key + " is " + value + ": it must be between " + min + " and " + max);
        }
    }
}
