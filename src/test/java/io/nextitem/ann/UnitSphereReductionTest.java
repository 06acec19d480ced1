package io.nextitem.ann;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnitSphereReductionTest {
    private static final int ITEMS = 2_000;
    private static final int DIM = 16;

    @TempDir
    Path tmp;

    @Test
    void putsEveryItemOnTheSphereAndKeepsTheInnerProductOrderOfEveryQuery() throws Exception {
        float[][] items = skewedItems(new SplittableRandom(3));
        NpyFloatMatrix vectors = write(items);
        float maxNorm = longest(vectors);
        float[][] reduced = new float[ITEMS][];
        for (int i = 0; i < ITEMS; i++) {
            reduced[i] = UnitSphereReduction.item(items[i], maxNorm);
            assertThat(reduced[i]).hasSize(DIM + 1);
            assertThat(dot(reduced[i], reduced[i])).isCloseTo(1.0, within(1e-5));
        }
        SplittableRandom random = new SplittableRandom(4);
        for (int q = 0; q < 50; q++) {
            float[] query = gaussian(random, 5.0);
            float[] onSphere = UnitSphereReduction.query(query);
            assertThat(onSphere[DIM]).isZero();
            assertThat(dot(onSphere, onSphere)).isCloseTo(1.0, within(1e-5));
            assertThat(topTen(reduced, onSphere)).containsExactly(topTen(items, query));
        }
    }

    @Test
    void aZeroQueryAndAZeroTableStayDefined() {
        assertThat(UnitSphereReduction.query(new float[3])).containsExactly(0f, 0f, 0f, 0f);
        assertThat(UnitSphereReduction.item(new float[2], 0f)).containsExactly(0f, 0f, 1f);
    }

    @Test
    void theLongestItemSitsOnTheSphereWithoutTheExtraDimension() throws Exception {
        float[][] items = {{3f, 4f}, {0.3f, 0.4f}};
        float maxNorm = longest(write(items));
        assertThat(maxNorm).isCloseTo(5f, within(1e-6f));
        assertThat(UnitSphereReduction.item(items[0], maxNorm)).containsExactly(new float[] {0.6f, 0.8f, 0f}, within(1e-6f));
        assertThat(UnitSphereReduction.item(items[1], maxNorm)[2]).isCloseTo((float) Math.sqrt(0.99), within(1e-6f));
    }

    @Test
    void anIndexIsBuiltOnTheSphereAndOneOverTheRawVectorsStillOpens() throws Exception {
        float[][] items = skewedItems(new SplittableRandom(6));
        NpyFloatMatrix vectors = write(items);
        float[] query = gaussian(new SplittableRandom(7), 1.0);
        Integer[] exact = topTen(items, query);
        for (LuceneItemIndex.Space space : LuceneItemIndex.Space.values()) {
            Path folder = tmp.resolve(space.name());
            LuceneItemIndex.build(vectors, HnswParameters.DEFAULT, space, folder, n -> { });
            try (LuceneItemIndex index = LuceneItemIndex.open(folder, ITEMS, DIM, true)) {
                assertThat(index.space()).isEqualTo(space);
                // searching every node: both spaces rank the whole catalogue by the inner product
                assertThat(Arrays.stream(index.search(query, 10, ITEMS)).boxed().toArray(Integer[]::new))
                        .containsExactly(exact);
            }
        }
        Path sphere = tmp.resolve(LuceneItemIndex.Space.UNIT_SPHERE.name());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LuceneItemIndex.open(sphere, ITEMS, DIM + 1, true))
                .hasMessageContaining("has no field 'item' of " + (DIM + 2) + " dimensions");
    }

    /** Norms spread log-normally over a factor of about 20, as trained item tables are. */
    static float[][] skewedItems(SplittableRandom random) {
        float[][] items = new float[ITEMS][];
        for (int i = 0; i < ITEMS; i++) {
            items[i] = gaussian(random, Math.exp(0.8 * random.nextGaussian()));
        }
        return items;
    }

    private static float[] gaussian(SplittableRandom random, double scale) {
        float[] v = new float[DIM];
        for (int d = 0; d < DIM; d++) {
            v[d] = (float) (scale * random.nextGaussian());
        }
        return v;
    }

    private NpyFloatMatrix write(float[][] items) throws Exception {
        Path file = tmp.resolve("vectors-" + items.length + "-" + items[0].length + ".npy");
        NpyFloatMatrix.write(file, items);
        return NpyFloatMatrix.open(file);
    }

    private static float longest(NpyFloatMatrix vectors) {
        float longest = 0f;
        for (float norm : NormBands.norms(vectors)) {
            longest = Math.max(longest, norm);
        }
        return longest;
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int d = 0; d < a.length; d++) {
            sum += (double) a[d] * b[d];
        }
        return sum;
    }

    private static Integer[] topTen(float[][] items, float[] query) {
        Integer[] order = IntStream.range(0, items.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble(i -> -dot(items[i], query)));
        return Arrays.copyOf(order, 10);
    }
}
