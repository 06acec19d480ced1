package io.nextitem.ann;

import java.util.Arrays;

/**
 * Items split by the length of their vector, each band reduced to the unit sphere with its own
 * longest norm (norm-ranging: Yan et al., NeurIPS 2018, "Norm-Ranging LSH for Maximum Inner
 * Product Search"). Band {@code b} holds the items whose norm lies in (M / 2^(b+1), M / 2^b],
 * M the catalogue's longest; the last band holds every shorter item.
 *
 * <p>Why: {@link UnitSphereReduction} with one M scales every item by the catalogue's longest
 * vector. A trained catalogue's longest vectors are outliers, so the items a query wants sit at a
 * small fraction of M, close to the pole the extra dimension points at, where they are hard to
 * tell apart from the bulk and the graph's walk misses them. Inside a band no item is shorter than
 * half the band's own M (but in the last), so each band's graph searches an almost angular space.
 *
 * <p>A band's own M also bounds what it can give: q.x / |q| <= M_b for every item in it, so once
 * k items scoring at least M_b are found, that band and all shorter ones can be skipped exactly.
 */
public final class NormBands {
    private NormBands() {}

    /** Each row's band, 0 the longest; a zero-length row goes to the last band. */
    public static int[] assign(float[] norms, int bands) {
        float longest = 0f;
        for (float norm : norms) {
            longest = Math.max(longest, norm);
        }
        int[] band = new int[norms.length];
        for (int row = 0; row < norms.length; row++) {
            band[row] = bandOf(norms[row], longest, bands);
        }
        return band;
    }

    static int bandOf(float norm, float longest, int bands) {
        if (norm <= 0f || longest <= 0f) {
            return bands - 1;
        }
        int b = 0;
        float upper = longest;
        // halving rather than log2: the boundary cases land where the comparison says, not where rounding does
        while (b < bands - 1 && norm <= upper / 2f) {
            upper /= 2f;
            b++;
        }
        return b;
    }

    /** The longest norm in each band (0 for an empty band). */
    public static float[] longestPerBand(float[] norms, int[] band, int bands) {
        float[] longest = new float[bands];
        for (int row = 0; row < norms.length; row++) {
            longest[band[row]] = Math.max(longest[band[row]], norms[row]);
        }
        return longest;
    }

    /** Items per band. */
    public static int[] counts(int[] band, int bands) {
        int[] counts = new int[bands];
        for (int b : band) {
            counts[b]++;
        }
        return counts;
    }

    /** Every row's Euclidean norm. */
    public static float[] norms(NpyFloatMatrix vectors) {
        float[] norms = new float[vectors.rows()];
        for (int row = 0; row < norms.length; row++) {
            norms[row] = (float) Math.sqrt(Math.max(0f, vectors.innerProduct(vectors.row(row), row)));
        }
        return norms;
    }

    /** The Lucene field of a band: the first keeps the name an index of one graph has always had. */
    public static String field(int band) {
        return band == 0 ? LuceneItemIndex.FIELD : LuceneItemIndex.FIELD + "." + band;
    }

    static String describe(float[] longest, int[] counts) {
        return "longest norm per band " + Arrays.toString(longest) + ", items per band " + Arrays.toString(counts);
    }
}
