package io.nextitem.model;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** items.tsv: model item index (1..N) ↔ the producer's item id. Index 0 is padding. */
public final class ItemVocabulary {
    private final String[] idByIndex;
    private final Map<String, Integer> indexById;

    private ItemVocabulary(String[] idByIndex, Map<String, Integer> indexById) {
        this.idByIndex = idByIndex;
        this.indexById = indexById;
    }

    public static ItemVocabulary read(Path file, int expectedItems) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ModelLoadException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (lines.size() != expectedItems) {
            throw new ModelLoadException(file + " has " + lines.size() + " lines but manifest num_items is " + expectedItems);
        }
        String[] ids = new String[expectedItems + 1];
        Map<String, Integer> indices = new HashMap<>(expectedItems * 2);
        for (int line = 1; line <= lines.size(); line++) {
            String[] fields = lines.get(line - 1).split("\t", -1);
            if (fields.length != 2 || !fields[0].equals(Integer.toString(line)) || fields[1].isEmpty()) {
                throw new ModelLoadException(file + ":" + line + ": expected '" + line + "<TAB>item_id', got '"
                        + lines.get(line - 1) + "'");
            }
            if (indices.put(fields[1], line) != null) {
                throw new ModelLoadException(file + ":" + line + ": item id '" + fields[1] + "' appears twice");
            }
            ids[line] = fields[1];
        }
        return new ItemVocabulary(ids, indices);
    }

    /** @return the index 1..N, or 0 when the model does not know the item */
    public int indexOf(String itemId) {
        Integer index = indexById.get(itemId);
        return index == null ? 0 : index;
    }

    public String idOf(int index) {
        return idByIndex[index];
    }

    public int size() {
        return idByIndex.length - 1;
    }
}
