package io.nextitem.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The value types a job setting can have: how a YAML value becomes one (with a message naming the
 * key when it cannot), and how a value is written in the reference and back to YAML.
 */
public final class SettingType<T> {
    static final SettingType<Integer> INT = scalar("int", (key, node) -> {
        long value = wholeNumber(key, node, "an int");
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw wants(key, "an int", node);
        }
        return (int) value;
    });
    static final SettingType<Long> LONG = scalar("long", (key, node) -> wholeNumber(key, node, "a long"));
    static final SettingType<Double> DOUBLE = scalar("double", (key, node) -> {
        if (node.isNumber()) {
            return node.doubleValue();
        }
        if (node.isTextual()) {
            try {
                return Double.parseDouble(node.textValue().trim());
            } catch (NumberFormatException e) {
                throw wants(key, "a number", node);
            }
        }
        throw wants(key, "a number", node);
    });
    static final SettingType<Boolean> BOOLEAN = scalar("boolean", (key, node) -> {
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isTextual() && (node.textValue().equals("true") || node.textValue().equals("false"))) {
            return Boolean.parseBoolean(node.textValue());
        }
        throw wants(key, "true or false", node);
    });
    static final SettingType<String> STRING = new SettingType<>("string", true, (key, node) -> {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isValueNode()) {
            throw wants(key, "a text value", node);
        }
        return node.asText();
    });
    static final SettingType<Map<String, String>> STRING_MAP = new SettingType<>("map of string to string", true,
            (key, node) -> map(key, node, name -> name));
    static final SettingType<Map<Integer, String>> INT_KEYED_STRING_MAP = new SettingType<>("map of int to string", true,
            (key, node) -> map(key, node, name -> {
                try {
                    return Integer.valueOf(name.trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("key '" + key + "': entry '" + name + "' must be an int");
                }
            }));

    private final String name;
    private final boolean nullable;
    private final BiFunction<String, JsonNode, T> parser;

    private SettingType(String name, boolean nullable, BiFunction<String, JsonNode, T> parser) {
        this.name = name;
        this.nullable = nullable;
        this.parser = parser;
    }

    private static <T> SettingType<T> scalar(String name, BiFunction<String, JsonNode, T> parser) {
        return new SettingType<>(name, false, parser);
    }

    /** The name the reference shows: int, long, double, boolean, string, map of ... */
    public String name() {
        return name;
    }

    /** @throws IllegalArgumentException naming the key and what it wants */
    T parse(String key, JsonNode node) {
        if (!nullable && (node == null || node.isNull())) {
            throw new IllegalArgumentException("key '" + key + "' needs " + (name.equals("boolean") ? "true or false" : "a " + name)
                    + ", not null");
        }
        return parser.apply(key, node);
    }

    /** A value as the reference shows it (YAML spelling). */
    public String render(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof Map<?, ?> map) {
            return map.isEmpty() ? "{}" : map.toString();
        }
        if (value instanceof String text && text.isEmpty()) {
            return "\"\"";
        }
        if (value instanceof Double number && number == Math.rint(number) && !Double.isInfinite(number)) {
            return String.valueOf(number.longValue());
        }
        return String.valueOf(value);
    }

    private static long wholeNumber(String key, JsonNode node, String what) {
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            return node.longValue();
        }
        if (node.isTextual()) {
            try {
                return Long.parseLong(node.textValue().trim());
            } catch (NumberFormatException e) {
                throw wants(key, what, node);
            }
        }
        throw wants(key, what, node);
    }

    private static <K> Map<K, String> map(String key, JsonNode node, Function<String, K> keyOf) {
        Map<K, String> map = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return map;
        }
        if (!node.isObject()) {
            throw wants(key, "a map (name: value lines)", node);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (!entry.getValue().isValueNode()) {
                throw new IllegalArgumentException("key '" + key + "': entry '" + entry.getKey() + "' must be a text value");
            }
            map.put(keyOf.apply(entry.getKey()), entry.getValue().isNull() ? null : entry.getValue().asText());
        }
        return map;
    }

    private static IllegalArgumentException wants(String key, String what, JsonNode node) {
        String got = node.isValueNode() ? "'" + node.asText() + "'" : node.isObject() ? "a map" : "a list";
        return new IllegalArgumentException("key '" + key + "' needs " + what + ", not " + got);
    }
}
