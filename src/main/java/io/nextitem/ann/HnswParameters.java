package io.nextitem.ann;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How an HNSW index over item vectors is built: {@code maxConn} neighbours per node (Lucene's M),
 * {@code beamWidth} candidates kept while linking a node (efConstruction), whether the graph
 * is searched over int8-quantised vectors (four times smaller in the page cache; the job
 * re-scores the candidates with the exact float vectors either way), and into how many norm
 * bands the items are split, one graph each ({@link NormBands}).
 */
public record HnswParameters(@JsonProperty("max_conn") int maxConn, @JsonProperty("beam_width") int beamWidth,
                             @JsonProperty("int8") boolean int8, @JsonProperty("norm_bands") int normBands) {
    /**
     * M 32 and construction beam 200: on a trained 10^5-item catalogue's own queries M 16 / beam
     * 100 needed a deeper search for the same recall, M 48 / beam 400 gained little for twice the
     * build (docs/ann-search.md, "On trained vectors").
     */
    public static final int DEFAULT_MAX_CONN = 32;
    public static final int DEFAULT_BEAM_WIDTH = 200;
    /**
     * Up to 8 bands, each twice as long as the next: the longest items of a trained catalogue
     * are outliers (at 10^6 items the longest is 13 times the median), and one graph on the
     * sphere scaled by that outlier loses the items the queries want (docs/ann-search.md).
     */
    public static final int DEFAULT_NORM_BANDS = 8;
    public static final int MAX_NORM_BANDS = 16;
    public static final HnswParameters DEFAULT = new HnswParameters(DEFAULT_MAX_CONN, DEFAULT_BEAM_WIDTH, false);

    public HnswParameters {
        if (maxConn < 2 || maxConn > 512) {
            throw new IllegalArgumentException("max_conn must be 2..512, is " + maxConn);
        }
        if (beamWidth < 1 || beamWidth > 3200) {
            throw new IllegalArgumentException("beam_width must be 1..3200, is " + beamWidth);
        }
        if (normBands == 0) {
            normBands = 1; // an index.json written before bands existed: one graph over every item
        }
        if (normBands < 1 || normBands > MAX_NORM_BANDS) {
            throw new IllegalArgumentException("norm_bands must be 1.." + MAX_NORM_BANDS + ", is " + normBands);
        }
    }

    /** With the default number of norm bands. */
    public HnswParameters(int maxConn, int beamWidth, boolean int8) {
        this(maxConn, beamWidth, int8, DEFAULT_NORM_BANDS);
    }
}
