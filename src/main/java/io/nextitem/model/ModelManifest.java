package io.nextitem.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/** manifest.json of a model version (schemas/model/README.md). Unknown fields are kept compatible. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelManifest(
        @JsonProperty("format_version") int formatVersion,
        @JsonProperty("name") String name,
        @JsonProperty("version") String version,
        @JsonProperty("parent_version") String parentVersion,
        @JsonProperty("created_at") String createdAt,
        @JsonProperty("inputs") List<String> inputs,
        @JsonProperty("max_seq_len") int maxSeqLen,
        @JsonProperty("num_items") int numItems,
        @JsonProperty("num_users") Integer numUsers,
        @JsonProperty("num_categories") Integer numCategories,
        @JsonProperty("top_k") int topK,
        @JsonProperty("top_k_graph") int topKGraph,
        @JsonProperty("files") Map<String, FileEntry> files,
        @JsonProperty("retrieval") Retrieval retrieval) {

    public static final int SUPPORTED_FORMAT = 1;
    public static final String USER_IDX = "user_idx";
    public static final String USERS_FILE = "users.tsv";
    public static final String CAT_SEQ = "cat_seq";
    public static final String CATEGORIES_FILE = "categories.tsv";

    /** Whether the graph reads {@code user_idx}: then the version carries users.tsv. */
    public boolean readsUserIndex() {
        return inputs != null && inputs.contains(USER_IDX);
    }

    /** Whether the graph reads {@code cat_seq}: then the version carries categories.tsv. */
    public boolean readsCategories() {
        return inputs != null && inputs.contains(CAT_SEQ);
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record FileEntry(@JsonProperty("sha256") String sha256) {}

    /**
     * The retrieval form (README: "The retrieval form"): a query graph and the item table whose
     * inner products are the model's scores; {@code index} names ann/index.json once
     * {@code nextitem.jar index} has built the approximate-search index, else null.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Retrieval(@JsonProperty("query_graph") String queryGraph,
                            @JsonProperty("item_vectors") String itemVectors,
                            @JsonProperty("dim") int dim,
                            @JsonProperty("score") String score,
                            @JsonProperty("rewrite") String rewrite,
                            @JsonProperty("index") String index) {
        public static final String INNER_PRODUCT = "inner_product";
    }

    /** Whether the version carries an approximate-search index over its retrieval form. */
    public boolean hasAnnIndex() {
        return retrieval != null && retrieval.index() != null;
    }

    /** Checks the fields the job relies on; throws naming the first bad one. */
    void check(String where) {
        require(formatVersion == SUPPORTED_FORMAT, where, "format_version is " + formatVersion + ", this job reads " + SUPPORTED_FORMAT);
        require(name != null && !name.isBlank(), where, "name is missing");
        require(version != null && !version.isBlank(), where, "version is missing");
        require(inputs != null && !inputs.isEmpty(), where, "inputs is missing or empty");
        require(maxSeqLen > 0, where, "max_seq_len must be positive, is " + maxSeqLen);
        require(numItems > 0, where, "num_items must be positive, is " + numItems);
        require(topK > 0, where, "top_k must be positive, is " + topK);
        require(topKGraph == topK + maxSeqLen, where,
                "top_k_graph is " + topKGraph + " but must be top_k + max_seq_len = " + (topK + maxSeqLen));
        require(files != null && files.containsKey("model.onnx") && files.containsKey("items.tsv")
                && files.containsKey("popularity.tsv"), where, "files must list model.onnx, items.tsv and popularity.tsv with sha256");
        if (retrieval != null) {
            require(retrieval.queryGraph() != null && files.containsKey(retrieval.queryGraph())
                    && retrieval.itemVectors() != null && files.containsKey(retrieval.itemVectors()), where,
                    "retrieval names query_graph and item_vectors, so files must list both with sha256");
            require(retrieval.dim() > 0, where, "retrieval.dim must be positive, is " + retrieval.dim());
            require(Retrieval.INNER_PRODUCT.equals(retrieval.score()), where,
                    "retrieval.score is " + retrieval.score() + ", this job serves " + Retrieval.INNER_PRODUCT);
            require(retrieval.index() == null || files.containsKey(retrieval.index()), where,
                    "retrieval.index is " + retrieval.index() + ", so files must list it with sha256");
        }
        if (readsUserIndex()) {
            require(numUsers != null && numUsers > 0, where, "inputs include user_idx, so num_users must be a positive count");
            require(files.containsKey(USERS_FILE), where, "inputs include user_idx, so files must list users.tsv with sha256");
        }
        if (readsCategories()) {
            require(numCategories != null && numCategories >= 0, where, "inputs include cat_seq, so num_categories must be a count");
            require(files.containsKey(CATEGORIES_FILE), where,
                    "inputs include cat_seq, so files must list categories.tsv with sha256");
        }
    }

    private static void require(boolean ok, String where, String problem) {
        if (!ok) {
            throw new ModelLoadException(where + ": " + problem);
        }
    }
}
