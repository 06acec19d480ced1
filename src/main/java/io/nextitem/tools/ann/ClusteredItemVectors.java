package io.nextitem.tools.ann;

import java.util.SplittableRandom;

/**
 * Seeded item and query vectors shaped like trained embeddings rather than uniform noise: a
 * Gaussian mixture (items of a genre lie near each other) whose item norms vary log-normally
 * (popular items get longer vectors in training, and inner-product search then favours them,
 * which is what makes maximum-inner-product search harder than cosine search).
 */
public final class ClusteredItemVectors {
    private ClusteredItemVectors() {}

    /** {@code count} item vectors of {@code dim} dimensions around {@code clusters} centres. */
    public static float[][] items(int count, int dim, int clusters, long seed) {
        float[][] centres = centres(clusters, dim, seed);
        SplittableRandom random = new SplittableRandom(seed + 1);
        float[][] out = new float[count][];
        for (int i = 0; i < count; i++) {
            float[] v = around(centres[random.nextInt(clusters)], 0.6, random);
            double norm = Math.exp(0.35 * random.nextGaussian()) / length(v);
            for (int d = 0; d < dim; d++) {
                v[d] *= (float) norm;
            }
            out[i] = v;
        }
        return out;
    }

    /** Query (user) vectors near the same centres, unscaled: a user leans towards a few genres. */
    public static float[][] queries(int count, int dim, int clusters, long seed) {
        float[][] centres = centres(clusters, dim, seed);
        SplittableRandom random = new SplittableRandom(seed + 2);
        float[][] out = new float[count][];
        for (int q = 0; q < count; q++) {
            out[q] = around(centres[random.nextInt(clusters)], 0.8, random);
        }
        return out;
    }

    private static float[][] centres(int clusters, int dim, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[][] centres = new float[clusters][dim];
        for (float[] c : centres) {
            for (int d = 0; d < dim; d++) {
                c[d] = (float) (random.nextGaussian() / Math.sqrt(dim));
            }
        }
        return centres;
    }

    private static float[] around(float[] centre, double spread, SplittableRandom random) {
        float[] v = new float[centre.length];
        double sigma = spread / Math.sqrt(centre.length);
        for (int d = 0; d < v.length; d++) {
            v[d] = (float) (centre[d] + sigma * random.nextGaussian());
        }
        return v;
    }

    private static double length(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += x * x;
        }
        return Math.sqrt(sum);
    }
}
