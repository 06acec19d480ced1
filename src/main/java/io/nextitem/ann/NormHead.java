package io.nextitem.ann;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * The longest norm bands of an index, their rows of item_vectors.npy copied into one direct
 * buffer for an exact scan ({@link HeadScanner}): as many whole bands, longest first, as hold at
 * most {@code maxItems} items. Why: a trained catalogue keeps most of every list among its
 * longest items, and scoring a few ten thousand rows in one batched matrix multiply costs less
 * than walking their graph deep enough to find them; the first band left out bounds what the
 * rest can give, so its graph is only walked when that bound can still reach the list.
 */
public final class NormHead {
    private final int bands;
    private final int[] docs;
    private final FloatBuffer rows;
    private final int dim;

    private NormHead(int bands, int[] docs, FloatBuffer rows, int dim) {
        this.bands = bands;
        this.docs = docs;
        this.rows = rows;
        this.dim = dim;
    }

    /** The head of at most {@code maxItems} items, or null when not even the longest band fits. */
    public static NormHead of(LuceneItemIndex index, NpyFloatMatrix vectors, int maxItems) {
        int bands = 0;
        long items = 0;
        int[][] bandDocs = new int[index.bands()][];
        while (bands < index.bands()) {
            int[] docs = index.bandDocs(bands);
            if (items + docs.length > maxItems) {
                break;
            }
            bandDocs[bands++] = docs;
            items += docs.length;
        }
        if (bands == 0) {
            return null;
        }
        int[] docs = new int[(int) items];
        FloatBuffer rows = ByteBuffer.allocateDirect(Math.multiplyExact((int) items, vectors.dim() * Float.BYTES))
                .order(ByteOrder.nativeOrder()).asFloatBuffer();
        int at = 0;
        for (int b = 0; b < bands; b++) {
            for (int doc : bandDocs[b]) {
                docs[at++] = doc;
                rows.put(vectors.row(doc));
            }
        }
        rows.flip();
        return new NormHead(bands, docs, rows, vectors.dim());
    }

    /** How many of the index's bands, longest first, the head holds: the graph search starts after them. */
    public int bands() {
        return bands;
    }

    public int size() {
        return docs.length;
    }

    public int dim() {
        return dim;
    }

    /** The document (item index - 1) of head row {@code row}. */
    public int doc(int row) {
        return docs[row];
    }

    /** The rows, [size, dim] row-major, native order: a view of the direct buffer for a zero-copy tensor (not to be written). */
    public FloatBuffer rows() {
        return rows.duplicate();
    }

    /** Memory the head holds: its rows and their documents. */
    public long bytes() {
        return (long) docs.length * dim * Float.BYTES + (long) docs.length * Integer.BYTES;
    }
}
