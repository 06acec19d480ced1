package io.nextitem.ann;

import io.nextitem.model.ModelLoadException;
import io.nextitem.model.ModelManifest;
import io.nextitem.model.ModelVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * A version's approximate-search index, opened and checked: ann/index.json must describe the
 * version's own item vectors (their sha256, count and dimension), and Lucene's checksum of every
 * index file must hold. The sha256 of each ann/ file against the manifest is ModelVersion.load's
 * check, which ran before. Any failure refuses the version with its reason.
 */
public final class LoadedItemIndex implements AutoCloseable {
    private final LuceneItemIndex index;
    private final NpyFloatMatrix vectors;
    private final AnnIndexDescription description;
    private final long bytes;
    /** Heads by their item cap (model.search-exact-items), made on first use. */
    private final java.util.Map<Integer, NormHead> heads = new java.util.HashMap<>();
    private java.util.function.LongConsumer bytesAdded = bytes -> { };

    private LoadedItemIndex(LuceneItemIndex index, NpyFloatMatrix vectors, AnnIndexDescription description, long bytes) {
        this.index = index;
        this.vectors = vectors;
        this.description = description;
        this.bytes = bytes;
    }

    public static LoadedItemIndex open(ModelVersion version) {
        ModelManifest manifest = version.manifest();
        String label = version.name() + " " + version.version();
        if (manifest.retrieval() == null) {
            throw new ModelLoadException(label + " has no retrieval form (query.onnx, item_vectors.npy): "
                    + "it can only be searched exactly");
        }
        if (manifest.retrieval().index() == null) {
            throw new ModelLoadException(label + " has no approximate-search index (manifest retrieval.index): "
                    + "build it with `nextitem.jar index` before publishing the version");
        }
        Path folder = version.folder();
        Path descriptionFile = folder.resolve(manifest.retrieval().index());
        AnnIndexDescription description = AnnIndexDescription.read(descriptionFile);
        String vectorsSha256 = manifest.files().get(manifest.retrieval().itemVectors()).sha256();
        if (!vectorsSha256.equalsIgnoreCase(description.itemVectorsSha256())
                || description.numItems() != manifest.numItems() || description.dim() != manifest.retrieval().dim()) {
            throw new ModelLoadException(label + ": the index in " + descriptionFile.getParent()
                    + " was built from other item vectors (sha256 " + description.itemVectorsSha256() + ", "
                    + description.numItems() + " x " + description.dim() + ") than the version's ("
                    + vectorsSha256 + ", " + manifest.numItems() + " x " + manifest.retrieval().dim() + ")");
        }
        NpyFloatMatrix vectors = NpyFloatMatrix.open(folder.resolve(manifest.retrieval().itemVectors()));
        if (vectors.rows() != manifest.numItems() || vectors.dim() != manifest.retrieval().dim()) {
            throw new ModelLoadException(label + ": item_vectors.npy is " + vectors.rows() + " x " + vectors.dim()
                    + ", the manifest says " + manifest.numItems() + " x " + manifest.retrieval().dim());
        }
        Path luceneFolder = descriptionFile.getParent().resolve(AnnIndexDescription.LUCENE_FOLDER);
        LuceneItemIndex index = LuceneItemIndex.open(luceneFolder, manifest.numItems(), manifest.retrieval().dim(), true);
        long bytes = folderBytes(luceneFolder) + (long) vectors.rows() * vectors.dim() * Float.BYTES;
        return new LoadedItemIndex(index, vectors, description, bytes);
    }

    public ApproximateItemSearch search(int ef, int maxCandidates) {
        return new ApproximateItemSearch(index, vectors, ef, maxCandidates);
    }

    /**
     * As {@link #search(int, int)} with the longest items in {@code head} scored exactly by
     * {@code scanner}, and the graphs of the rest walked or not ({@code walkGraphs}).
     */
    public ApproximateItemSearch search(int ef, int maxCandidates, NormHead head, HeadScanner scanner, boolean walkGraphs) {
        return new ApproximateItemSearch(index, vectors, ef, maxCandidates, LuceneItemIndex.BandDepth.BY_SLACK, head,
                scanner, walkGraphs);
    }

    /** The {@code maxItems} longest items, copied once per process and shared by every subtask searching this version. */
    public synchronized NormHead head(int maxItems) {
        NormHead head = heads.get(maxItems);
        if (head == null) {
            head = NormHead.of(index, vectors, maxItems);
            heads.put(maxItems, head);
            bytesAdded.accept(head.bytes());
        }
        return head;
    }

    /** Told the bytes of each head made from now on (the process's count of index memory). */
    synchronized void onBytesAdded(java.util.function.LongConsumer listener) {
        this.bytesAdded = listener;
    }

    public NpyFloatMatrix vectors() {
        return vectors;
    }

    public AnnIndexDescription description() {
        return description;
    }

    /** Index files plus the mapped item vectors (page cache when hot), and the heads copied out of them. */
    public synchronized long bytes() {
        long headBytes = 0;
        for (NormHead head : heads.values()) {
            headBytes += head.bytes();
        }
        return bytes + headBytes;
    }

    private static long folderBytes(Path folder) {
        try (Stream<Path> walk = Files.walk(folder)) {
            return walk.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        index.close();
    }
}
