package io.nextitem.model;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** popularity.tsv: items by training count, most popular first; the cold-start fallback. */
public record PopularityList(List<String> itemIds, float[] counts) {

    public static PopularityList read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ModelLoadException("cannot read " + file + ": " + e.getMessage(), e);
        }
        List<String> ids = new ArrayList<>(lines.size());
        float[] counts = new float[lines.size()];
        for (int i = 0; i < lines.size(); i++) {
            String[] fields = lines.get(i).split("\t", -1);
            try {
                if (fields.length != 2 || fields[0].isEmpty()) {
                    throw new NumberFormatException("two tab-separated fields expected");
                }
                counts[i] = Float.parseFloat(fields[1]);
            } catch (NumberFormatException e) {
                throw new ModelLoadException(file + ":" + (i + 1) + ": expected 'item_id<TAB>count', got '" + lines.get(i) + "'");
            }
            if (i > 0 && counts[i] > counts[i - 1]) {
                throw new ModelLoadException(file + ":" + (i + 1) + ": counts must not increase (most popular first)");
            }
            ids.add(fields[0]);
        }
        if (ids.isEmpty()) {
            throw new ModelLoadException(file + " is empty: the popularity fallback needs at least one item");
        }
        return new PopularityList(List.copyOf(ids), counts);
    }
}
