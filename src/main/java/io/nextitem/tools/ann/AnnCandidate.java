package io.nextitem.tools.ann;

import java.io.IOException;
import java.nio.file.Path;

/** One library under comparison: builds an index of the items, then answers top-k queries. */
interface AnnCandidate extends AutoCloseable {
    String name();

    /** Builds into {@code folder} (and keeps what searching needs open). */
    void build(Path vectorsFile, float[][] items, Path folder) throws IOException;

    /** Item rows (0-based), best first. */
    int[] search(float[] query, int k, int ef);

    /** Bytes the index keeps on the heap while searching. */
    long heapBytes();

    /** Bytes of the files the search reads (in the page cache when hot), beyond the heap. */
    long searchedFileBytes();

    @Override
    void close() throws IOException;
}
