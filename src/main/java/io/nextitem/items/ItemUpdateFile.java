package io.nextitem.items;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nextitem.avro.ItemUpdate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Item updates from a JSON-lines file, one object per line, keys as in ItemUpdate.avsc:
 * {@code {"item_id": "sku-1", "available": false, "reason": "sold out"}}, or
 * {@code {"item_id": "sku-1", "delete": true}} for a tombstone. The whole file is checked before
 * anything is written: a file with any bad line publishes nothing, and every bad line is named.
 */
public final class ItemUpdateFile {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> KEYS = Set.of("item_id", "available", "blocked", "category", "valid_from_millis",
            "valid_until_millis", "reason", "delete");

    /** One line: the update, or null for a tombstone of {@code itemId}. */
    public record Entry(String itemId, ItemUpdate update) {}

    /** Every problem of a file, one per line at fault. */
    public static final class InvalidFileException extends RuntimeException {
        public InvalidFileException(Path file, List<String> problems) {
            super(file + ": nothing published, " + problems.size() + " bad line(s):\n  " + String.join("\n  ", problems));
        }
    }

    private ItemUpdateFile() {}

    /** @param updatedAtMillis the updated_at_millis of every update */
    public static List<Entry> read(Path file, long updatedAtMillis) throws IOException {
        List<Entry> entries = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                entries.add(parse(JSON.readTree(line), updatedAtMillis));
            } catch (JsonProcessingException e) {
                problems.add("line " + (i + 1) + ": not JSON: " + e.getOriginalMessage());
            } catch (IllegalArgumentException e) {
                problems.add("line " + (i + 1) + ": " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidFileException(file, problems);
        }
        return entries;
    }

    static Entry parse(JsonNode node, long updatedAtMillis) {
        if (!node.isObject()) {
            throw new IllegalArgumentException("expected an object");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!KEYS.contains(name)) {
                throw new IllegalArgumentException("unknown key '" + name + "' (known: " + String.join(", ", KEYS.stream().sorted().toList()) + ")");
            }
        }
        String itemId = text(node, "item_id");
        if (itemId == null || itemId.isBlank()) {
            throw new IllegalArgumentException("item_id is missing or empty");
        }
        if (bool(node, "delete", false)) {
            if (node.size() > 2) {
                throw new IllegalArgumentException("a delete line holds item_id and delete only");
            }
            return new Entry(itemId, null);
        }
        Long from = number(node, "valid_from_millis");
        Long until = number(node, "valid_until_millis");
        if (from != null && until != null && until <= from) {
            throw new IllegalArgumentException("valid_until_millis must be after valid_from_millis");
        }
        return new Entry(itemId, ItemUpdate.newBuilder()
                .setItemId(itemId)
                .setAvailable(bool(node, "available", true))
                .setBlocked(bool(node, "blocked", false))
                .setCategory(text(node, "category"))
                .setValidFromMillis(from)
                .setValidUntilMillis(until)
                .setReason(text(node, "reason"))
                .setUpdatedAtMillis(updatedAtMillis)
                .build());
    }

    private static String text(JsonNode node, String key) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new IllegalArgumentException(key + " must be a string");
        }
        return value.asText();
    }

    private static boolean bool(JsonNode node, String key, boolean orElse) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return orElse;
        }
        if (!value.isBoolean()) {
            throw new IllegalArgumentException(key + " must be true or false");
        }
        return value.asBoolean();
    }

    private static Long number(JsonNode node, String key) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.canConvertToLong() || !value.isIntegralNumber()) {
            throw new IllegalArgumentException(key + " must be whole epoch milliseconds");
        }
        return value.asLong();
    }
}
