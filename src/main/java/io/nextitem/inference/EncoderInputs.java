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
}
