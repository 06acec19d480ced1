package io.nextitem.inference;

import ai.onnxruntime.OrtException;
import io.nextitem.ann.ApproximateItemSearch;
import io.nextitem.ann.SharedItemIndexes;
import io.nextitem.config.ModelSettings;
import io.nextitem.model.ModelManifest;
import io.nextitem.model.ModelVersion;

/**
 * Approximate search of one version: query.onnx gives each request's query vector, the
 * process-wide shared HNSW index finds the best unseen items by inner product. Holds a lease on
 * the index for as long as the version serves in this subtask.
 */
final class RetrievalSearch implements AutoCloseable {
    private final QueryEncoder encoder;
    private final SharedItemIndexes.Lease lease;
    private final ApproximateItemSearch search;

    private RetrievalSearch(QueryEncoder encoder, SharedItemIndexes.Lease lease, ApproximateItemSearch search) {
        this.encoder = encoder;
        this.lease = lease;
        this.search = search;
    }

    /**
     * Whether this version is searched approximately under model.search: always for
     * approximate (a version without a valid index is then refused), for auto only a version with
     * an index and at least model.search-auto-min-items items.
     */
    static boolean chosenFor(ModelManifest manifest, ModelSettings settings) {
        return switch (settings.search) {
            case ModelSettings.SEARCH_APPROXIMATE -> true;
            case ModelSettings.SEARCH_AUTO -> manifest.hasAnnIndex() && manifest.numItems() >= settings.searchAutoMinItems;
            default -> false;
        };
    }

    /** Opens the query graph and leases the index; throws ModelLoadException with the reason when either is unfit. */
    static RetrievalSearch open(ModelVersion version, ModelSettings settings) {
        SharedItemIndexes.Lease lease = SharedItemIndexes.process().acquire(version);
        try {
            QueryEncoder encoder = new QueryEncoder(version, settings.executionProvider, settings.cudaDeviceId,
                    settings.intraOpThreads);
            return new RetrievalSearch(encoder, lease,
                    lease.index().search(settings.searchEf, settings.searchMaxCandidates));
        } catch (RuntimeException e) {
            lease.close();
            throw e;
        }
    }

    float[][] queries(EncoderInputs inputs) throws OrtException {
        return encoder.encode(inputs);
    }

    ApproximateItemSearch.Found search(float[] query, int topK, long[] seenIndices) {
        return search.search(query, topK, seenIndices);
    }

    QueryEncoder encoder() {
        return encoder;
    }

    io.nextitem.ann.NpyFloatMatrix vectors() {
        return lease.index().vectors();
    }

    @Override
    public void close() {
        encoder.close();
        lease.close();
    }
}
