package io.nextitem.ann;

import io.nextitem.model.ModelLoadException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import java.util.function.IntToDoubleFunction;
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.CodecUtil;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene912.Lucene912Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswScalarQuantizedVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.NoMergePolicy;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopKnnCollector;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.IndexInput;

/**
 * An HNSW graph over a version's item vectors, as a Lucene index of one segment (Lucene's own
 * file format, checksums and off-heap reading). Document {@code d} is item index {@code d + 1}:
 * the items are added in order into one segment that is never merged, and {@link #open} checks
 * that it is so. The items are split into norm bands ({@link NormBands}), one vector field and
 * graph each; each band is linked on the unit sphere with its own longest norm
 * ({@link UnitSphereReduction}, one dimension more than the vectors, Lucene's dot product), where
 * its order is the retrieval form's inner product. A search walks the bands longest first, merges
 * them by inner product and skips the bands that cannot reach the k found so far. The bands'
 * longest norms travel in the index's commit data (checksummed by Lucene with the rest).
 * {@link Space#RAW_INNER_PRODUCT} (Lucene's own maximum inner product over the raw vectors, one
 * graph) is kept for {@code ann-compare}, to show why. Searching is thread-safe.
 */
public final class LuceneItemIndex implements AutoCloseable {
    public static final String FIELD = "item";
    /** Commit data key: each band's longest norm, comma-separated, band 0 first (0 for an empty band). */
    static final String BAND_NORMS = "nextitem.norm_band_longest";
    /** The Lucene release the files are written with, for index.json. */
    public static final String LIBRARY = "lucene-core " + org.apache.lucene.util.Version.LATEST;

    /** How the item vectors are laid out for the graph. */
    public enum Space {
        /** {@link UnitSphereReduction}: dim + 1, dot product. What the {@code index} command builds. */
        UNIT_SPHERE(1, VectorSimilarityFunction.DOT_PRODUCT, "inner_product_on_unit_sphere"),
        /** The raw vectors under Lucene's maximum inner product (compared, never built for the job). */
        RAW_INNER_PRODUCT(0, VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT, "maximum_inner_product");

        final int extraDims;
        final VectorSimilarityFunction similarity;
        /** The name index.json records as {@code similarity}. */
        public final String description;

        Space(int extraDims, VectorSimilarityFunction similarity, String description) {
            this.extraDims = extraDims;
            this.similarity = similarity;
            this.description = description;
        }
    }

    private final Directory directory;
    private final DirectoryReader reader;
    private final LeafReader leaf;
    /** Null when a band's field fits neither space, or the bands disagree (open refuses such an index). */
    private final Space space;
    /** The non-empty bands' fields, longest band first, and each one's longest norm. */
    private final String[] bandFields;
    private final float[] bandLongest;
    /** Why the bands cannot be searched, or null. */
    private final String bandProblem;

    private LuceneItemIndex(Directory directory, DirectoryReader reader, int itemDim) throws IOException {
        this.directory = directory;
        this.reader = reader;
        this.leaf = reader.leaves().get(0).reader();
        List<String> fields = new ArrayList<>();
        List<Integer> bands = new ArrayList<>();
        for (int b = 0; b < HnswParameters.MAX_NORM_BANDS; b++) {
            if (leaf.getFieldInfos().fieldInfo(NormBands.field(b)) != null) {
                fields.add(NormBands.field(b));
                bands.add(b);
            }
        }
        this.bandFields = fields.toArray(String[]::new);
        Space found = fields.isEmpty() ? null : spaceOf(leaf.getFieldInfos().fieldInfo(fields.get(0)), itemDim);
        for (String field : fields) {
            if (spaceOf(leaf.getFieldInfos().fieldInfo(field), itemDim) != found) {
                found = null;
            }
        }
        this.space = found;
        this.bandLongest = new float[fields.size()];
        String problem = null;
        String stored = reader.getIndexCommit().getUserData().get(BAND_NORMS);
        if (stored == null) {
            // one graph, written before bands existed or over the raw vectors: nothing to merge
            Arrays.fill(bandLongest, 1f);
            if (fields.size() > 1) {
                problem = "has " + fields.size() + " norm bands but no '" + BAND_NORMS + "' in its commit data";
            }
        } else {
            String[] parts = stored.split(",");
            for (int i = 0; i < bandLongest.length && problem == null; i++) {
                int band = bands.get(i);
                bandLongest[i] = band < parts.length ? parseNorm(parts[band]) : Float.NaN;
                if (!(bandLongest[i] > 0f)) {
                    problem = "has no longest norm for its band " + band + " in '" + stored + "'";
                }
            }
        }
        if (problem == null && found != null) {
            long vectorsInBands = 0;
            for (String field : fields) {
                vectorsInBands += leaf.getFloatVectorValues(field).size();
            }
            if (vectorsInBands != leaf.maxDoc()) {
                problem = "holds " + vectorsInBands + " vectors in its bands for " + leaf.maxDoc() + " items";
            }
        }
        this.bandProblem = problem;
    }

    private static float parseNorm(String text) {
        try {
            return Float.parseFloat(text.trim());
        } catch (NumberFormatException e) {
            return Float.NaN;
        }
    }

    /** Builds on the unit sphere, as the job searches. */
    public static void build(NpyFloatMatrix vectors, HnswParameters parameters, Path folder, IntConsumer progress)
            throws IOException {
        build(vectors, parameters, Space.UNIT_SPHERE, folder, progress);
    }

    /**
     * Builds the index of {@code vectors} into the empty folder {@code folder}. One flush at the
     * end (a RAM buffer larger than the vectors and graph) keeps the items in one segment in
     * insertion order without a merge, which would rebuild the graph.
     *
     * @param progress called with the number of items added so far, every 10,000 items
     */
    public static void build(NpyFloatMatrix vectors, HnswParameters parameters, Space space, Path folder,
                             IntConsumer progress) throws IOException {
        boolean sphere = space == Space.UNIT_SPHERE;
        int bands = sphere ? parameters.normBands() : 1;
        float[] norms = sphere ? NormBands.norms(vectors) : new float[vectors.rows()];
        int[] band = sphere ? NormBands.assign(norms, bands) : new int[vectors.rows()];
        float[] longest = NormBands.longestPerBand(norms, band, bands);
        KnnVectorsFormat format = parameters.int8()
                ? new Lucene99HnswScalarQuantizedVectorsFormat(parameters.maxConn(), parameters.beamWidth())
                : new Lucene99HnswVectorsFormat(parameters.maxConn(), parameters.beamWidth());
        Codec codec = new Lucene912Codec() {
            @Override
            public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                return format;
            }
        };
        double vectorMb = (double) vectors.rows() * vectors.dim() * Float.BYTES / (1 << 20);
        IndexWriterConfig config = new IndexWriterConfig()
                .setCodec(codec)
                .setUseCompoundFile(false)
                .setMergePolicy(NoMergePolicy.INSTANCE)
                .setMaxBufferedDocs(IndexWriterConfig.DISABLE_AUTO_FLUSH)
                // vectors, graph and per-document overhead; the per-thread cap is 2 GB
                .setRAMBufferSizeMB(Math.min(1945, 64 + 6 * vectorMb))
                .setRAMPerThreadHardLimitMB(1945);
        Files.createDirectories(folder);
        try (Directory dir = FSDirectory.open(folder); IndexWriter writer = new IndexWriter(dir, config)) {
            for (int row = 0; row < vectors.rows(); row++) {
                Document doc = new Document();
                float[] vector = sphere ? UnitSphereReduction.item(vectors.row(row), longest[band[row]]) : vectors.row(row);
                doc.add(new KnnFloatVectorField(NormBands.field(band[row]), vector, space.similarity));
                writer.addDocument(doc);
                if ((row + 1) % 10_000 == 0) {
                    progress.accept(row + 1);
                }
            }
            if (sphere) {
                StringBuilder stored = new StringBuilder();
                for (int b = 0; b < bands; b++) {
                    stored.append(b == 0 ? "" : ",").append(longest[b]);
                }
                writer.setLiveCommitData(Map.of(BAND_NORMS, stored.toString()).entrySet());
            }
            writer.commit();
        }
        // Lucene leaves its (empty) lock file behind; it is no part of the index the manifest lists.
        Files.deleteIfExists(folder.resolve(IndexWriter.WRITE_LOCK_NAME));
    }

    /**
     * Opens a built index and checks it is one segment of {@code expectedItems} live documents
     * over item vectors of {@code expectedDim} dimensions, in either {@link Space}. With {@code verifyChecksums} every file's Lucene
     * checksum footer is verified over the whole file first (reads it all once).
     */
    public static LuceneItemIndex open(Path folder, int expectedItems, int expectedDim, boolean verifyChecksums) {
        Directory directory = null;
        try {
            directory = FSDirectory.open(folder);
            if (verifyChecksums) {
                for (String file : directory.listAll()) {
                    if (file.equals(IndexWriter.WRITE_LOCK_NAME)) {
                        continue;
                    }
                    try (IndexInput in = directory.openInput(file, IOContext.READONCE)) {
                        CodecUtil.checksumEntireFile(in);
                    }
                }
            }
            DirectoryReader reader = DirectoryReader.open(directory);
            LuceneItemIndex index = new LuceneItemIndex(directory, reader, expectedDim);
            String problem = null;
            if (reader.leaves().size() != 1) {
                problem = "has " + reader.leaves().size() + " segments, the job reads one";
            } else if (reader.maxDoc() != expectedItems || reader.numDocs() != expectedItems) {
                problem = "holds " + reader.numDocs() + " items, the version has " + expectedItems;
            } else if (index.space == null) {
                problem = "has no field '" + FIELD + "' of " + (expectedDim + 1) + " dimensions on the unit sphere "
                        + "(or " + expectedDim + " under maximum inner product) in every norm band";
            } else if (index.space == Space.RAW_INNER_PRODUCT && index.bandFields.length > 1) {
                problem = "splits raw inner-product vectors into norm bands, which only the unit sphere has";
            } else if (index.bandProblem != null) {
                problem = index.bandProblem;
            }
            if (problem != null) {
                index.close();
                throw new ModelLoadException("the index in " + folder + " " + problem);
            }
            return index;
        } catch (IOException | RuntimeException e) {
            if (directory != null) {
                try {
                    directory.close();
                } catch (IOException ignored) {
                    // the first failure is the one to report
                }
            }
            if (e instanceof ModelLoadException m) {
                throw m;
            }
            throw new ModelLoadException("the index in " + folder + " cannot be read (corrupt or not a Lucene "
                    + "index): " + e.getMessage(), e);
        }
    }

    /** How deep each band after the first is searched. */
    public enum BandDepth {
        /** ef in every band searched. */
        FULL,
        /**
         * ef times the band's slack, 1 - t / M_b, t the k-th best found so far (at least k): an
         * item of norm at most M_b reaches t only at a cosine with the query of at least t / M_b,
         * so when t is close to M_b only the band's nearest few by angle can, and a shallow search
         * finds those first. What the job searches with.
         */
        BY_SLACK
    }

    /** {@link #search(float[], int, int, BandDepth)} with {@link BandDepth#BY_SLACK}. */
    public int[] search(float[] query, int k, int ef) {
        return search(query, k, ef, BandDepth.BY_SLACK);
    }

    /**
     * The {@code k} best documents for {@code query} that HNSW finds keeping {@code ef} candidates
     * in the longest band (ef >= k; a larger ef finds more of the exact top k) and as many as
     * {@code depth} says in the others it searches, best first by inner product. Item index =
     * document + 1.
     */
    public int[] search(float[] query, int k, int ef, BandDepth depth) {
        return search(query, k, ef, depth, 0, new int[0], new float[0], null, Float.POSITIVE_INFINITY);
    }

    /**
     * As {@link #search(float[], int, int, BandDepth)} from band {@code fromBand} on, the bands
     * before it already scored exactly: {@code seedDocs} with their keys q.x / |q|, best first.
     * They bound which later bands can still give one of the k best, and are merged with them.
     *
     * @param exactKey q.x / |q| of a document from the float vectors, or null to take it from
     *                 Lucene's score (exact up to rounding on float32 graphs; an int8 graph's score
     *                 is the quantised one, so bands merged by it would be misordered)
     * @param fromBandBound the longest norm among band {@code fromBand}'s items not in the seeds (the
     *                 seeds may hold its longest items, which are not taken twice)
     */
    public int[] search(float[] query, int k, int ef, BandDepth depth, int fromBand, int[] seedDocs, float[] seedKeys,
                        IntToDoubleFunction exactKey, float fromBandBound) {
        if (k <= 0) {
            return new int[0];
        }
        float[] searched = space == Space.UNIT_SPHERE ? UnitSphereReduction.query(query) : query;
        // the k best so far, best first, by q.x / |q| (the band's dot on the sphere times its longest norm)
        int[] docs = new int[k];
        float[] keys = new float[k];
        int found = Math.min(k, seedDocs.length);
        System.arraycopy(seedDocs, 0, docs, 0, found);
        System.arraycopy(seedKeys, 0, keys, 0, found);
        for (int i = fromBand; i < bandFields.length; i++) {
            float bound = i == fromBand ? Math.min(bandLongest[i], fromBandBound) : bandLongest[i];
            if (found == k && keys[k - 1] >= bound) {
                break; // no item of this band or a shorter one can reach the k-th: q.x / |q| <= |x| <= its longest
            }
            int deep = Math.max(k, ef);
            if (depth == BandDepth.BY_SLACK && found == k && i > 0) {
                double slack = 1.0 - Math.max(0f, keys[k - 1]) / bound;
                deep = Math.max(k, (int) Math.ceil(deep * slack));
            }
            TopKnnCollector collector = new TopKnnCollector(deep, Integer.MAX_VALUE);
            try {
                leaf.searchNearestVectors(bandFields[i], searched, collector, null);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            for (ScoreDoc hit : collector.topDocs().scoreDocs) {
                // Lucene's dot-product score is (1 + dot) / 2; raw inner product keeps Lucene's own (monotone) score
                float key = exactKey != null ? (float) exactKey.applyAsDouble(hit.doc)
                        : space == Space.UNIT_SPHERE ? (2f * hit.score - 1f) * bandLongest[i] : hit.score;
                if ((found == k && key <= keys[k - 1]) || (i == fromBand && seedDocs.length > 0 && among(docs, found, hit.doc))) {
                    continue; // below the k-th, or a seed already merged
                }
                int at = found == k ? k - 1 : found++;
                while (at > 0 && keys[at - 1] < key) {
                    keys[at] = keys[at - 1];
                    docs[at] = docs[at - 1];
                    at--;
                }
                keys[at] = key;
                docs[at] = hit.doc;
            }
        }
        return found == k ? docs : Arrays.copyOf(docs, found);
    }

    private static boolean among(int[] docs, int found, int doc) {
        for (int i = 0; i < found; i++) {
            if (docs[i] == doc) {
                return true;
            }
        }
        return false;
    }

    /** Non-empty norm bands (1 for an index of one graph). */
    public int bands() {
        return bandFields.length;
    }

    /** The longest norm in non-empty band {@code i} (0 the longest band; 1 for an index of one graph without norms). */
    public float bandLongest(int i) {
        return bandLongest[i];
    }

    /** The documents (item index - 1) of non-empty band {@code i}, ascending. */
    public int[] bandDocs(int i) {
        try {
            FloatVectorValues values = leaf.getFloatVectorValues(bandFields[i]);
            int[] docs = new int[values.size()];
            int n = 0;
            for (int doc = values.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = values.nextDoc()) {
                docs[n++] = doc;
            }
            return n == docs.length ? docs : Arrays.copyOf(docs, n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Space spaceOf(org.apache.lucene.index.FieldInfo field, int itemDim) {
        if (field == null) {
            return null;
        }
        for (Space space : Space.values()) {
            if (field.getVectorDimension() == itemDim + space.extraDims && field.getVectorSimilarityFunction() == space.similarity) {
                return space;
            }
        }
        return null;
    }

    public Space space() {
        return space;
    }

    public int size() {
        return reader.maxDoc();
    }

    @Override
    public void close() {
        try {
            reader.close();
            directory.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
