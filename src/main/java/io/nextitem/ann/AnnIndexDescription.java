package io.nextitem.ann;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.nextitem.model.ModelLoadException;
import java.io.IOException;
import java.nio.file.Path;

/**
 * ann/index.json: what the index in ann/ was built from and how. The job compares
 * {@code itemVectorsSha256}, {@code numItems} and {@code dim} with the version's manifest, so an
 * index copied from another version (other item vectors) is refused rather than searched.
 * {@code scanCalibration} (absent unless the index was built with the version's queries) is what
 * {@code model.search-graphs=auto} decides by.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AnnIndexDescription(
        @JsonProperty("library") String library,
        @JsonProperty("format") String format,
        @JsonProperty("similarity") String similarity,
        @JsonProperty("parameters") HnswParameters parameters,
        @JsonProperty("item_vectors_sha256") String itemVectorsSha256,
        @JsonProperty("num_items") int numItems,
        @JsonProperty("dim") int dim,
        @JsonProperty("build_seconds") double buildSeconds,
        @JsonProperty("bytes") long bytes,
        @JsonProperty("scan_calibration") ScanCalibration scanCalibration) {

    public static final String FILE = "index.json";
    /** The folder of the Lucene index inside ann/. */
    public static final String LUCENE_FOLDER = "lucene";
    public static final String FORMAT = "lucene-hnsw";
    /** What the index command builds: {@link LuceneItemIndex.Space#UNIT_SPHERE}. */
    public static final String SIMILARITY = LuceneItemIndex.Space.UNIT_SPHERE.description;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public static AnnIndexDescription read(Path file) {
        try {
            return JSON.readValue(file.toFile(), AnnIndexDescription.class);
        } catch (IOException e) {
            throw new ModelLoadException(file + " is not a valid index description: " + e.getMessage(), e);
        }
    }

    public void write(Path file) throws IOException {
        JSON.writeValue(file.toFile(), this);
    }
}
