package io.nextitem.ann;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The calibration's curve is what a scan of that many longest items finds (checked by doing the
 * scan), and it picks the smallest scan that reaches its target, or none above its cap.
 */
class ScanCalibrationTest {
    private static final int ITEMS = 5_000;
    private static final int DIM = 16;
    private static final int K = 10;

    @TempDir
    Path tmp;

    @Test
    void eachPointOfTheCurveIsTheRecallOfScanningThatManyLongestItems() throws Exception {
        float[][] items = skewedItems(ITEMS, 1);
        NpyFloatMatrix vectors = write(items);
        float[][] queries = gaussian(60, 2);

        ScanCalibration calibration = ScanCalibration.measure(vectors, queries, K, 0.9, ITEMS, done -> { });

        assertThat(calibration.recallByScanItems()).containsKeys(1_000, 2_000, ITEMS);
        for (var point : calibration.recallByScanItems().entrySet()) {
            assertThat(point.getValue()).as("scan of %d", point.getKey())
                    .isCloseTo(scannedRecall(items, queries, point.getKey()), org.assertj.core.data.Offset.offset(1e-4));
        }
        assertThat(calibration.recallByScanItems().get(1_000)).isBetween(0.1, 0.9); // a curve, not a constant
    }

    @Test
    void choosesTheSmallestScanInSteps() throws Exception {
        float[][] items = skewedItems(ITEMS, 3);
        NpyFloatMatrix vectors = write(items);
        float[][] queries = gaussian(60, 4);

        ScanCalibration calibration = ScanCalibration.measure(vectors, queries, K, 0.9, ITEMS, done -> { });

        int chosen = calibration.scanItems();
        assertThat(chosen % 1_000 == 0 || chosen == ITEMS).isTrue();
        assertThat(scannedRecall(items, queries, chosen)).isGreaterThanOrEqualTo(0.9);
        if (chosen > 1_000) {
            assertThat(scannedRecall(items, queries, chosen - 1_000)).isLessThan(0.9);
        }
    }

    @Test
    void choosesNoScanWhenTheTargetNeedsMoreThanTheCap() throws Exception {
        float[][] items = skewedItems(ITEMS, 5);
        ScanCalibration calibration = ScanCalibration.measure(write(items), gaussian(60, 6), K, 1.0, 1_000, done -> { });
        assertThat(scannedRecall(items, gaussian(60, 6), 1_000)).isLessThan(1.0);
        assertThat(calibration.scanItems()).isNull();
        assertThat(calibration.maxScanItems()).isEqualTo(1_000);
    }

    @Test
    void exactTopsBreakTiesByTheLowerItemAsTheServedListsDo() throws Exception {
        float[][] items = skewedItems(50, 7);
        for (int d = 0; d < DIM; d++) {
            items[3][d] *= 2; // the longest, so its own direction ranks it first
        }
        items[40] = items[3].clone(); // the same score as item 3 for every query
        items[41] = items[3].clone();
        NpyFloatMatrix vectors = write(items);
        float[] query = items[3].clone(); // 3, 40 and 41 score alike, among the best
        int[] top = ScanCalibration.exactTops(vectors, new float[][] {query}, 5)[0];
        Integer[] expected = IntStream.range(0, items.length).boxed().sorted(Comparator
                .<Integer>comparingDouble(doc -> -vectors.innerProduct(query, doc)).thenComparingInt(doc -> doc))
                .limit(5).toArray(Integer[]::new);
        assertThat(Arrays.stream(top).boxed().toArray(Integer[]::new)).containsExactly(expected);
        assertThat(top).contains(3, 40, 41);
    }

    @Test
    void refusesQueriesOfAnotherDimensionAndNoQueries() throws Exception {
        NpyFloatMatrix vectors = write(skewedItems(100, 8));
        assertThatThrownBy(() -> ScanCalibration.measure(vectors, new float[][] {new float[DIM + 1]}, K, 0.9, 100, d -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining((DIM + 1) + " dimensions");
        assertThatThrownBy(() -> ScanCalibration.measure(vectors, new float[0][], K, 0.9, 100, d -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no query vectors");
    }

    /** recall@K of an exact top-K among the h longest items (NormHead's order) against the exact top-K of all. */
    private static double scannedRecall(float[][] items, float[][] queries, int h) {
        float[] norms = new float[items.length];
        for (int i = 0; i < items.length; i++) {
            norms[i] = (float) Math.sqrt(io.nextitem.testing.RetrievalFormFixture.innerProduct(items[i], items[i]));
        }
        int[] head = IntStream.range(0, items.length).boxed()
                .sorted(Comparator.<Integer>comparingDouble(i -> -norms[i]).thenComparingInt(i -> i))
                .limit(h).mapToInt(Integer::intValue).toArray();
        int[] all = IntStream.range(0, items.length).toArray();
        long found = 0;
        for (float[] query : queries) {
            int[] exact = io.nextitem.testing.RetrievalFormFixture.bestByInnerProduct(items, query, K, all);
            int[] scanned = io.nextitem.testing.RetrievalFormFixture.bestByInnerProduct(items, query, K, head);
            found += Arrays.stream(exact).filter(e -> Arrays.stream(scanned).anyMatch(s -> s == e)).count();
        }
        return (double) found / (queries.length * K);
    }

    /**
     * Directions spread over the sphere, norms within 10% of each other: long items lead the lists
     * but do not hold all of them (about 0.4 of the top-10 among the longest 1,000 of 5,000).
     */
    private static float[][] skewedItems(int rows, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[][] out = new float[rows][DIM];
        for (float[] row : out) {
            double squared = 0;
            double[] direction = new double[DIM];
            for (int d = 0; d < DIM; d++) {
                direction[d] = random.nextGaussian();
                squared += direction[d] * direction[d];
            }
            double scale = (0.9 + 0.2 * random.nextDouble()) / Math.sqrt(squared);
            for (int d = 0; d < DIM; d++) {
                row[d] = (float) (scale * direction[d]);
            }
        }
        return out;
    }

    private static float[][] gaussian(int rows, long seed) {
        return io.nextitem.testing.RetrievalFormFixture.vectors(rows, DIM, seed);
    }

    private NpyFloatMatrix write(float[][] items) throws Exception {
        Path file = tmp.resolve("items-" + items.length + "-" + System.nanoTime() + ".npy");
        NpyFloatMatrix.write(file, items);
        return NpyFloatMatrix.open(file);
    }
}
