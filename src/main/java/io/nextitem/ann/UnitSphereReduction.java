package io.nextitem.ann;

/**
 * Maximum inner product search turned into nearest-neighbour search on the unit sphere, where
 * HNSW's graph works (Bachrach et al., RecSys 2014, "Speeding up the Xbox recommender system
 * using a Euclidean transformation for inner-product spaces"). An item vector x of a catalogue
 * whose longest vector has norm M becomes [x / M, sqrt(1 - |x|^2 / M^2)]: every item lands on
 * the unit sphere. A query q becomes [q / |q|, 0]. Then the dot product of the two is
 * q.x / (|q| M): the same order as q.x, for every query, so the top k is unchanged. The index
 * applies it per norm band, M being the band's longest ({@link NormBands}).
 *
 * <p>Why: trained item vectors have skewed norms (popular items grow long), and inner product is
 * no metric, so a graph linked by raw inner product leaves the long vectors as hubs and the
 * search for the rest stops early. On a trained 10^5 catalogue Lucene's own maximum-inner-product
 * graph levelled off below recall@10 0.95 however deep it searched; on the sphere recall rises
 * with the search depth (docs/ann-search.md has the figures, from their result file).
 */
public final class UnitSphereReduction {
    private UnitSphereReduction() {}

    /** Item row {@code x} on the sphere: dim + 1 values, norm 1 (up to rounding). */
    public static float[] item(float[] x, float maxNorm) {
        float[] out = new float[x.length + 1];
        if (maxNorm == 0f) {
            out[x.length] = 1f; // an all-zero table: every item scores 0, any order is exact
            return out;
        }
        double squared = 0;
        for (int d = 0; d < x.length; d++) {
            out[d] = x[d] / maxNorm;
            squared += (double) out[d] * out[d];
        }
        out[x.length] = (float) Math.sqrt(Math.max(0.0, 1.0 - squared));
        return out;
    }

    /** Query {@code q} on the sphere: dim + 1 values, the last 0. A zero query stays zero (it scores every item 0). */
    public static float[] query(float[] q) {
        float[] out = new float[q.length + 1];
        double squared = 0;
        for (float v : q) {
            squared += (double) v * v;
        }
        float scale = squared == 0 ? 0f : (float) (1.0 / Math.sqrt(squared));
        for (int d = 0; d < q.length; d++) {
            out[d] = q[d] * scale;
        }
        return out;
    }
}
