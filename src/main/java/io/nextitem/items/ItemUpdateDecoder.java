package io.nextitem.items;

import io.nextitem.avro.DeadLetterReason;
import io.nextitem.avro.ItemUpdate;
import io.nextitem.io.RawRecord;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.MissingSchemaException;

/**
 * Turns one record of items.topic into an {@link ItemRuleChange}, or the reason it cannot be one.
 * Never throws: a bad update is dead-lettered, never a failed job. The record key must be the
 * item id (compaction keeps the newest record per key, so a key that disagrees with the payload
 * would keep the wrong update); a null value is a tombstone and removes the key's rules.
 */
public final class ItemUpdateDecoder {
    private final int maxIdLength;

    /** @param maxIdLength decoder.max-id-length, as for clicks */
    public ItemUpdateDecoder(int maxIdLength) {
        this.maxIdLength = maxIdLength;
    }

    /** Accepted: the change; Rejected: why. */
    public sealed interface Outcome permits Accepted, Rejected {}

    public record Accepted(ItemRuleChange change) implements Outcome {}

    public record Rejected(DeadLetterReason reason, String message) implements Outcome {}

    public Outcome decode(RawRecord raw) {
        String key;
        try {
            key = raw.key == null ? null : StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw.key)).toString();
        } catch (CharacterCodingException e) {
            return new Rejected(DeadLetterReason.INVALID_ID, "the record key is not valid UTF-8");
        }
        if (raw.value == null) {
            if (key == null || key.isBlank()) {
                return new Rejected(DeadLetterReason.MISSING_ITEM_ID, "a tombstone without a key names no item");
            }
            return checkedId(key, null, raw);
        }
        if (raw.value.length == 0) {
            return new Rejected(DeadLetterReason.EMPTY_PAYLOAD, "empty value (a tombstone is a null value, not an empty one)");
        }
        ItemUpdate update;
        try {
            update = ItemUpdate.getDecoder().decode(ByteBuffer.wrap(raw.value));
        } catch (MissingSchemaException e) {
            return new Rejected(DeadLetterReason.UNKNOWN_SCHEMA, "no known ItemUpdate schema has this fingerprint: " + e.getMessage());
        } catch (BadHeaderException e) {
            return new Rejected(DeadLetterReason.UNKNOWN_MAGIC, "not Avro single-object encoding: " + e.getMessage());
        } catch (Exception e) { // IOException, AvroRuntimeException, and what a truncated buffer throws
            return new Rejected(DeadLetterReason.MALFORMED_AVRO, "cannot decode an ItemUpdate: " + e);
        }
        String itemId = update.getItemId();
        if (itemId == null || itemId.isBlank()) {
            return new Rejected(DeadLetterReason.MISSING_ITEM_ID, "item_id is empty");
        }
        if (key != null && !key.equals(itemId)) {
            return new Rejected(DeadLetterReason.INVALID_ID, "the record key '" + clip(key) + "' differs from item_id '"
                    + clip(itemId) + "': compaction would keep the wrong update");
        }
        Long from = update.getValidFromMillis();
        Long until = update.getValidUntilMillis();
        if (from != null && until != null && until <= from) {
            return new Rejected(DeadLetterReason.INVALID_ITEM_UPDATE, "valid_until_millis " + until
                    + " is not after valid_from_millis " + from + " for item '" + clip(itemId) + "'");
        }
        if (update.getCategory() != null && update.getCategory().length() > maxIdLength) {
            return new Rejected(DeadLetterReason.OVERSIZED_FIELD, "category has " + update.getCategory().length()
                    + " characters, more than decoder.max-id-length = " + maxIdLength);
        }
        return checkedId(itemId, ItemRule.of(update), raw);
    }

    private Outcome checkedId(String itemId, ItemRule rule, RawRecord raw) {
        if (itemId.length() > maxIdLength) {
            return new Rejected(DeadLetterReason.OVERSIZED_FIELD, "item_id has " + itemId.length()
                    + " characters, more than decoder.max-id-length = " + maxIdLength);
        }
        if (hasControlCharacter(itemId)) {
            return new Rejected(DeadLetterReason.INVALID_ID, "item_id '" + clip(itemId) + "' holds a control character");
        }
        return new Accepted(new ItemRuleChange(itemId, rule, raw.partition, raw.offset));
    }

    private static boolean hasControlCharacter(String id) {
        CharBuffer chars = CharBuffer.wrap(id);
        while (chars.hasRemaining()) {
            char c = chars.get();
            if (Character.isISOControl(c) || c == '\uFFFD') {
                return true;
            }
        }
        return false;
    }

    private static String clip(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }
}
