package io.nextitem.inference;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One batch of contract inputs (schemas/model/README.md) by name: per-position inputs
 * ({@code item_seq}, {@code time_seq}, {@code cat_seq}) are (B, L), per-row inputs
 * ({@code user_idx}, {@code query_time}) are (B). All must agree on B, and the per-position
 * ones on L, so a wrongly assembled batch fails here and not inside ONNX Runtime.
 */
public final class EncoderInputs {
    public static final String ITEM_SEQ = "item_seq";
    public static final String TIME_SEQ = "time_seq";
    public static final String QUERY_TIME = "query_time";
    public static final String CAT_SEQ = "cat_seq";
    public static final String USER_IDX = "user_idx";

    private final Map<String, long[][]> perPosition = new LinkedHashMap<>();
    private final Map<String, long[]> perRow = new LinkedHashMap<>();
    private final int batch;
    private final int length;

    private EncoderInputs(long[][] itemSeq) {
        if (itemSeq.length == 0 || itemSeq[0].length == 0) {
            throw new IllegalArgumentException("item_seq must be at least 1 x 1");
        }
        this.batch = itemSeq.length;
        this.length = itemSeq[0].length;
        withSequence(ITEM_SEQ, itemSeq);
    }

    /** @param itemSeq (B, L) item indices, oldest first, left-padded with 0 */
    public static EncoderInputs ofItems(long[][] itemSeq) {
        return new EncoderInputs(itemSeq);
    }

    /** Adds a (B, L) input aligned with item_seq. */
    public EncoderInputs withSequence(String name, long[][] values) {
        if (values.length != batch) {
            throw new IllegalArgumentException(name + " has " + values.length + " rows, item_seq has " + batch);
        }
        for (long[] row : values) {
            if (row.length != length) {
                throw new IllegalArgumentException(name + " rows must have item_seq's length " + length + ", one has " + row.length);
            }
        }
        perPosition.put(name, values);
        return this;
    }

    /** Adds a (B) input, one value per row. */
    public EncoderInputs withPerRow(String name, long[] values) {
        if (values.length != batch) {
            throw new IllegalArgumentException(name + " has " + values.length + " values, item_seq has " + batch + " rows");
        }
        perRow.put(name, values);
        return this;
    }

    public int batchSize() {
        return batch;
    }

    public int length() {
        return length;
    }

    public Map<String, long[][]> sequences() {
        return Collections.unmodifiableMap(perPosition);
    }

    public Map<String, long[]> perRowValues() {
        return Collections.unmodifiableMap(perRow);
    }

    public boolean has(String name) {
        return perPosition.containsKey(name) || perRow.containsKey(name);
    }

    /**
     * One batch of several requests' rows: per-position inputs left-padded with 0 to the longest
     * row (the contract's padding: every exported graph scores a padded row as the unpadded one),
     * per-row inputs side by side. Every part must carry the same inputs.
     *
     * @param parts batches of one or more rows each, in order
     */
    public static EncoderInputs stack(java.util.List<EncoderInputs> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("nothing to stack");
        }
        if (parts.size() == 1) {
            return parts.get(0);
        }
        int rows = 0;
        int longest = 0;
        for (EncoderInputs part : parts) {
            if (!part.perPosition.keySet().equals(parts.get(0).perPosition.keySet())
                    || !part.perRow.keySet().equals(parts.get(0).perRow.keySet())) {
                throw new IllegalArgumentException("stacked batches carry different inputs: " + part.perPosition.keySet()
                        + part.perRow.keySet() + " vs " + parts.get(0).perPosition.keySet() + parts.get(0).perRow.keySet());
            }
            rows += part.batch;
            longest = Math.max(longest, part.length);
        }
        EncoderInputs stacked = new EncoderInputs(padded(parts, ITEM_SEQ, rows, longest));
        for (String name : parts.get(0).perPosition.keySet()) {
            if (!name.equals(ITEM_SEQ)) {
                stacked.withSequence(name, padded(parts, name, rows, longest));
            }
        }
        for (String name : parts.get(0).perRow.keySet()) {
            long[] values = new long[rows];
            int row = 0;
            for (EncoderInputs part : parts) {
                for (long value : part.perRow.get(name)) {
                    values[row++] = value;
                }
            }
            stacked.withPerRow(name, values);
        }
        return stacked;
    }

    /** (rows, longest): each part's rows of one per-position input, left-padded with 0. */
    private static long[][] padded(java.util.List<EncoderInputs> parts, String name, int rows, int longest) {
        long[][] values = new long[rows][longest];
        int row = 0;
        for (EncoderInputs part : parts) {
            for (long[] source : part.perPosition.get(name)) {
                System.arraycopy(source, 0, values[row++], longest - source.length, source.length);
            }
        }
        return values;
    }
}
