package io.nextitem.model;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * items.tsv, users.tsv or categories.tsv: the model's index (1..N) of each producer id. Index 0
 * is padding for items and "unknown" for users and categories, so an id the model never saw
 * (or a null one) maps to 0.
 */
public final class IdVocabulary {
    private final String[] idByIndex;
    private final Map<String, Integer> indexById;

    private IdVocabulary(String[] idByIndex, Map<String, Integer> indexById) {
        this.idByIndex = idByIndex;
        this.indexById = indexById;
    }

    /** @param kind what the ids are ("item", "user", "category"), for messages and the manifest field name */
    public static IdVocabulary read(Path file, int expectedIds, String kind) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ModelLoadException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (lines.size() != expectedIds) {
            throw new ModelLoadException(file + " has " + lines.size() + " lines but manifest " + countField(kind) + " is " + expectedIds);
        }
        String[] ids = new String[expectedIds + 1];
        Map<String, Integer> indices = new HashMap<>(expectedIds * 2);
        for (int line = 1; line <= lines.size(); line++) {
            String[] fields = lines.get(line - 1).split("\t", -1);
            if (fields.length != 2 || !fields[0].equals(Integer.toString(line)) || fields[1].isEmpty()) {
                throw new ModelLoadException(file + ":" + line + ": expected '" + line + "<TAB>" + kind + "_id', got '"
                        + lines.get(line - 1) + "'");
            }
            if (indices.put(fields[1], line) != null) {
                throw new ModelLoadException(file + ":" + line + ": " + kind + " id '" + fields[1] + "' appears twice");
            }
            ids[line] = fields[1];
        }
        return new IdVocabulary(ids, indices);
    }

    private static String countField(String kind) {
        return "num_" + (kind.endsWith("y") ? kind.substring(0, kind.length() - 1) + "ies" : kind + "s");
    }

    /** @return the index 1..N, or 0 when the model does not know the id (or it is null) */
    public int indexOf(String id) {
        if (id == null) {
            return 0;
        }
        Integer index = indexById.get(id);
        return index == null ? 0 : index;
    }

    public String idOf(int index) {
        return idByIndex[index];
    }

    public int size() {
        return idByIndex.length - 1;
    }
}
