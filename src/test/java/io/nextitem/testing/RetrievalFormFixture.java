package io.nextitem.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nextitem.ann.NpyFloatMatrix;
import io.nextitem.model.ModelVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Gives a copied model version a retrieval form made up in the test: seeded item vectors as
 * item_vectors.npy and the manifest's {@code retrieval} section. Only the Python exporter can
 * write a real query.onnx, so where the version has none a placeholder stands in: enough for
 * the index command and the manifest checks, not for serving.
 */
public final class RetrievalFormFixture {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private RetrievalFormFixture() {}

    /** Writes {@code numItems x dim} seeded vectors and records them (and query.onnx) in the manifest. */
    public static float[][] addTo(Path versionDir, int dim, long seed) throws IOException {
        ObjectNode manifest = (ObjectNode) JSON.readTree(versionDir.resolve("manifest.json").toFile());
        float[][] vectors = vectors(manifest.path("num_items").asInt(), dim, seed);
        NpyFloatMatrix.write(versionDir.resolve("item_vectors.npy"), vectors);
        Path query = versionDir.resolve("query.onnx");
        if (!Files.exists(query)) {
            Files.writeString(query, "placeholder: only the exporter writes a query graph");
        }
        ObjectNode files = (ObjectNode) manifest.get("files");
        files.putObject("item_vectors.npy").put("sha256", ModelVersion.sha256(versionDir.resolve("item_vectors.npy")));
        files.putObject("query.onnx").put("sha256", ModelVersion.sha256(query));
        manifest.putObject("retrieval").put("query_graph", "query.onnx").put("item_vectors", "item_vectors.npy")
                .put("dim", dim).put("score", "inner_product").put("rewrite", "none");
        JSON.writeValue(versionDir.resolve("manifest.json").toFile(), manifest);
        return vectors;
    }

    /** Seeded vectors with varying norms, so inner-product order differs from cosine order. */
    public static float[][] vectors(int rows, int dim, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[][] out = new float[rows][dim];
        for (float[] row : out) {
            double scale = 0.5 + random.nextDouble();
            for (int d = 0; d < dim; d++) {
                row[d] = (float) (scale * random.nextGaussian());
            }
        }
        return out;
    }

    /** The inner product, in double. */
    public static double innerProduct(float[] a, float[] b) {
        double sum = 0;
        for (int d = 0; d < a.length; d++) {
            sum += (double) a[d] * b[d];
        }
        return sum;
    }

    /** The {@code k} rows of {@code among} with the largest inner product with {@code query}, best first (brute force). */
    public static int[] bestByInnerProduct(float[][] items, float[] query, int k, int[] among) {
        return java.util.Arrays.stream(among).boxed()
                .sorted((a, b) -> Double.compare(innerProduct(items[b], query), innerProduct(items[a], query)))
                .limit(k).mapToInt(Integer::intValue).toArray();
    }
}
