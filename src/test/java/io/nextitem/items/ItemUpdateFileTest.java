package io.nextitem.items;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The publish command's file: good lines become updates or tombstones; one bad line and nothing is published. */
class ItemUpdateFileTest {
    @TempDir
    Path dir;

    @Test
    void readsUpdatesAndTombstones() throws Exception {
        Path file = Files.writeString(dir.resolve("items.jsonl"), """
                # stock and legal, 2026-12-07
                {"item_id": "sku-1", "available": false, "reason": "sold out"}
                {"item_id": "sku-2", "blocked": true, "category": "toys", "valid_until_millis": 1900000000000}

                {"item_id": "sku-3", "delete": true}
                """);
        List<ItemUpdateFile.Entry> entries = ItemUpdateFile.read(file, 42L);

        assertThat(entries).extracting(ItemUpdateFile.Entry::itemId).containsExactly("sku-1", "sku-2", "sku-3");
        assertThat(entries.get(0).update().getAvailable()).isFalse();
        assertThat(entries.get(0).update().getBlocked()).isFalse();
        assertThat(entries.get(0).update().getUpdatedAtMillis()).isEqualTo(42L);
        assertThat(entries.get(1).update().getBlocked()).isTrue();
        assertThat(entries.get(1).update().getCategory()).isEqualTo("toys");
        assertThat(entries.get(1).update().getValidUntilMillis()).isEqualTo(1_900_000_000_000L);
        assertThat(entries.get(2).update()).as("a tombstone").isNull();
    }

    @Test
    void namesEveryBadLineAndPublishesNothing() throws Exception {
        Path file = Files.writeString(dir.resolve("bad.jsonl"), """
                {"item_id": "sku-1", "available": false}
                {"item_id": "sku-2", "available": "no"}
                not json
                {"available": false}
                {"item_id": "sku-5", "colour": "red"}
                {"item_id": "sku-6", "valid_from_millis": 10, "valid_until_millis": 5}
                {"item_id": "sku-7", "delete": true, "available": false}
                """);
        assertThatThrownBy(() -> ItemUpdateFile.read(file, 0L))
                .isInstanceOf(ItemUpdateFile.InvalidFileException.class)
                .hasMessageContaining("nothing published, 6 bad line(s)")
                .hasMessageContaining("line 2: available must be true or false")
                .hasMessageContaining("line 3: not JSON")
                .hasMessageContaining("line 4: item_id is missing")
                .hasMessageContaining("line 5: unknown key 'colour'")
                .hasMessageContaining("line 6: valid_until_millis must be after valid_from_millis")
                .hasMessageContaining("line 7: a delete line holds item_id and delete only");
    }
}
