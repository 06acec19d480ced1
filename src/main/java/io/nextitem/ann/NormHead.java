package io.nextitem.ann;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * The {@code maxItems} longest item vectors of a version, their rows of item_vectors.npy copied
 * into one direct buffer for an exact scan ({@link HeadScanner}). Why: a trained catalogue keeps
 * most of every list among its longest items, and scoring a few ten thousand rows in one batched
 * matrix multiply costs less than walking a graph deep enough to find them. The rest of the
 * catalogue is the norm bands' graphs from {@link #firstTailBand()} on, no item of which is
 * longer than {@link #tailBound()}: what bounds whether they can still reach a list.
 */
public final class NormHead {
    private final int[] docs;
    private final FloatBuffer rows;
    private final int dim;
    private final int firstTailBand;
    private final float tailBound;

    private NormHead(int[] docs, FloatBuffer rows, int dim, int firstTailBand, float tailBound) {
        this.docs = docs;
        this.rows = rows;
        this.dim = dim;
        this.firstTailBand = firstTailBand;
        this.tailBound = tailBound;
    }

    /** The head of the {@code maxItems} (at least 1) longest items, or the whole catalogue if it has no more. */
    public static NormHead of(LuceneItemIndex index, NpyFloatMatrix vectors, int maxItems) {
        if (maxItems < 1) {
            throw new IllegalArgumentException("a head holds at least one item, asked for " + maxItems);
        }
        float[] norms = NormBands.norms(vectors);
        int[] bandOf = new int[norms.length];
        for (int b = 0; b < index.bands(); b++) {
            for (int doc : index.bandDocs(b)) {
                bandOf[doc] = b;
            }
        }
        // longest first; ties by document, so the head is the same on every TaskManager
        int[] byNorm = IntStream.range(0, norms.length).boxed()
                .sorted(Comparator.<Integer>comparingDouble(doc -> -norms[doc]).thenComparingInt(doc -> doc))
                .mapToInt(Integer::intValue).toArray();
        int size = Math.min(maxItems, norms.length);
        int[] docs = Arrays.copyOf(byNorm, size);
        FloatBuffer rows = ByteBuffer.allocateDirect(Math.multiplyExact(size, vectors.dim() * Float.BYTES))
                .order(ByteOrder.nativeOrder()).asFloatBuffer();
        for (int doc : docs) {
            rows.put(vectors.row(doc));
        }
        rows.flip();
        int firstTail = size == norms.length ? index.bands() : bandOf[byNorm[size]];
        float bound = size == norms.length ? 0f : norms[byNorm[size]];
        return new NormHead(docs, rows, vectors.dim(), firstTail, bound);
    }

    /** The first norm band with items outside the head (the index's band count when there is none). */
    public int firstTailBand() {
        return firstTailBand;
    }

    /** The longest norm outside the head: no item left to the graphs scores more than this times |q|. */
    public float tailBound() {
        return tailBound;
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
