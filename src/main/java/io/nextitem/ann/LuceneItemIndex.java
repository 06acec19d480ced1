package io.nextitem.ann;

import io.nextitem.model.ModelLoadException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.IntConsumer;
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.CodecUtil;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene912.Lucene912Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswScalarQuantizedVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.NoMergePolicy;
import org.apache.lucene.index.VectorSimilarityFunction;
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
 * that it is so. The graph links the items on the unit sphere ({@link UnitSphereReduction}, one
 * dimension more than the vectors, Lucene's dot product), where its order is the retrieval form's
 * inner product. {@link Space#RAW_INNER_PRODUCT} (Lucene's own maximum inner product over the raw
 * vectors) is kept for {@code ann-compare}, to show why. Searching is thread-safe.
 */
public final class LuceneItemIndex implements AutoCloseable {
    public static final String FIELD = "item";
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
    /** Null when the field is missing or fits neither space (open refuses such an index). */
    private final Space space;

    private LuceneItemIndex(Directory directory, DirectoryReader reader, int itemDim) {
        this.directory = directory;
        this.reader = reader;
        this.leaf = reader.leaves().get(0).reader();
        this.space = spaceOf(leaf.getFieldInfos().fieldInfo(FIELD), itemDim);
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
        float maxNorm = space == Space.UNIT_SPHERE ? UnitSphereReduction.maxNorm(vectors) : 0f;
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
                float[] vector = space == Space.UNIT_SPHERE
                        ? UnitSphereReduction.item(vectors.row(row), maxNorm) : vectors.row(row);
                doc.add(new KnnFloatVectorField(FIELD, vector, space.similarity));
                writer.addDocument(doc);
                if ((row + 1) % 10_000 == 0) {
                    progress.accept(row + 1);
                }
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
                        + "(or " + expectedDim + " under maximum inner product)";
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

    /**
     * The {@code k} best documents for {@code query} that HNSW finds keeping {@code ef} candidates
     * (ef >= k; a larger ef finds more of the exact top k), best first by Lucene's score. Item
     * index = document + 1.
     */
    public int[] search(float[] query, int k, int ef) {
        TopKnnCollector collector = new TopKnnCollector(Math.max(k, ef), Integer.MAX_VALUE);
        float[] searched = space == Space.UNIT_SPHERE ? UnitSphereReduction.query(query) : query;
        try {
            leaf.searchNearestVectors(FIELD, searched, collector, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ScoreDoc[] docs = collector.topDocs().scoreDocs;
        int n = Math.min(k, docs.length);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = docs[i].doc;
        }
        return out;
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
