package io.nextitem.ann;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nextitem.model.ModelLoadException;
import io.nextitem.testing.RetrievalFormFixture;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Items go to the band of their norm, a banded index merges its bands exactly, and a band without its norm is refused. */
class NormBandsTest {
    private static final int DIM = 8;

    @TempDir
    Path tmp;

    @Test
    void eachBandHoldsTheNormsDownToHalfItsLongestAndTheLastHoldsTheRest() {
        assertThat(NormBands.bandOf(8f, 8f, 4)).isZero();
        assertThat(NormBands.bandOf(4.001f, 8f, 4)).isZero();
        assertThat(NormBands.bandOf(4f, 8f, 4)).isEqualTo(1);
        assertThat(NormBands.bandOf(2.5f, 8f, 4)).isEqualTo(1);
        assertThat(NormBands.bandOf(1.5f, 8f, 4)).isEqualTo(2);
        assertThat(NormBands.bandOf(0.01f, 8f, 4)).as("the last band takes every shorter item").isEqualTo(3);
        assertThat(NormBands.bandOf(0f, 8f, 4)).isEqualTo(3);
        assertThat(NormBands.bandOf(0.01f, 8f, 1)).as("one band holds everything").isZero();
        float[] norms = {8f, 0.5f, 3f, 4.5f, 0f};
        int[] band = NormBands.assign(norms, 3);
        assertThat(band).containsExactly(0, 2, 1, 0, 2);
        assertThat(NormBands.longestPerBand(norms, band, 3)).containsExactly(8f, 3f, 0.5f);
        assertThat(NormBands.counts(band, 3)).containsExactly(2, 1, 2);
        assertThat(NormBands.field(0)).isEqualTo(LuceneItemIndex.FIELD);
        assertThat(NormBands.field(2)).isEqualTo(LuceneItemIndex.FIELD + ".2");
    }

    @Test
    void aBandedIndexRanksEveryItemByInnerProductAcrossItsBands() throws Exception {
        // norms over a factor of 1,000 with a few long outliers, as a trained table's tail
        SplittableRandom random = new SplittableRandom(11);
        float[][] items = new float[1_500][];
        for (int i = 0; i < items.length; i++) {
            double scale = i < 5 ? 40.0 : Math.exp(1.2 * random.nextGaussian());
            items[i] = gaussian(random, scale);
        }
        Path file = tmp.resolve("vectors.npy");
        NpyFloatMatrix.write(file, items);
        NpyFloatMatrix vectors = NpyFloatMatrix.open(file);
        Path folder = tmp.resolve("banded");
        LuceneItemIndex.build(vectors, new HnswParameters(16, 100, false, 6), folder, n -> { });
        int[] counts = NormBands.counts(NormBands.assign(NormBands.norms(vectors), 6), 6);
        try (LuceneItemIndex index = LuceneItemIndex.open(folder, items.length, DIM, true)) {
            assertThat(index.bands()).isEqualTo((int) Arrays.stream(counts).filter(c -> c > 0).count()).isGreaterThan(3);
            for (int q = 0; q < 30; q++) {
                float[] query = gaussian(random, 1.0);
                // searching every node of every band it does not skip: the exact top 10 by inner product
                assertThat(index.search(query, 10, items.length)).containsExactly(RetrievalFormFixture.bestByInnerProduct(items, query, 10,
                        IntStream.range(0, items.length).toArray()));
            }
            assertThat(index.search(gaussian(random, 1.0), 0, 50)).isEmpty();
        }
        try (LuceneItemIndex oneGraph = open(vectors, new HnswParameters(16, 100, false, 1), "one")) {
            assertThat(oneGraph.bands()).isEqualTo(1);
        }
    }

    @Test
    void bandsWithoutTheirLongestNormsAreRefused() throws Exception {
        Path folder = tmp.resolve("unmarked");
        try (IndexWriter writer = new IndexWriter(FSDirectory.open(folder), new IndexWriterConfig())) {
            for (int band = 0; band < 2; band++) {
                Document doc = new Document();
                float[] onSphere = new float[DIM + 1];
                onSphere[DIM] = 1f;
                doc.add(new KnnFloatVectorField(NormBands.field(band), onSphere, VectorSimilarityFunction.DOT_PRODUCT));
                writer.addDocument(doc);
            }
            writer.commit();
        }
        assertThatThrownBy(() -> LuceneItemIndex.open(folder, 2, DIM, true)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("has 2 norm bands but no '" + LuceneItemIndex.BAND_NORMS + "'");
    }

    private LuceneItemIndex open(NpyFloatMatrix vectors, HnswParameters parameters, String name) throws Exception {
        Path folder = tmp.resolve(name);
        LuceneItemIndex.build(vectors, parameters, folder, n -> { });
        return LuceneItemIndex.open(folder, vectors.rows(), vectors.dim(), true);
    }

    private static float[] gaussian(SplittableRandom random, double scale) {
        float[] v = new float[DIM];
        for (int d = 0; d < DIM; d++) {
            v[d] = (float) (scale * random.nextGaussian());
        }
        return v;
    }
}
