package io.nextitem.inference;

import ai.onnxruntime.OrtException;
import io.nextitem.ann.ApproximateItemSearch;
import io.nextitem.ann.NormHead;
import io.nextitem.ann.SharedItemIndexes;
import io.nextitem.config.ModelSettings;
import io.nextitem.model.ModelManifest;
import io.nextitem.model.ModelVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Approximate search of one version: query.onnx gives each request's query vector, the
 * process-wide shared HNSW index finds the best unseen items by inner product. Holds a lease on
 * the index for as long as the version serves in this subtask.
 */
final class RetrievalSearch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RetrievalSearch.class);
    private final QueryEncoder encoder;
    private final SharedItemIndexes.Lease lease;
    private final ApproximateItemSearch search;
    /** The exact scan of the longest bands (model.search-exact-items), or null. */
    private final ExactHeadScan headScan;
    private final SearchPlan plan;

    private RetrievalSearch(QueryEncoder encoder, SharedItemIndexes.Lease lease, ApproximateItemSearch search,
                            ExactHeadScan headScan, SearchPlan plan) {
        this.encoder = encoder;
        this.lease = lease;
        this.search = search;
        this.headScan = headScan;
        this.plan = plan;
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
        QueryEncoder encoder = null;
        try {
            encoder = new QueryEncoder(version, settings.executionProvider, settings.cudaDeviceId,
                    settings.intraOpThreads);
            SearchPlan plan = SearchPlan.of(settings, lease.index().description().scanCalibration());
            LOG.info("{} {} searched approximately: {}", version.name(), version.version(), plan);
            NormHead head = plan.exactItems() > 0 ? lease.index().head(plan.exactItems()) : null;
            if (head == null) {
                return new RetrievalSearch(encoder, lease,
                        lease.index().search(settings.searchEf, settings.searchMaxCandidates), null, plan);
            }
            ExactHeadScan scan = new ExactHeadScan(head, settings.intraOpThreads, version.name() + " " + version.version());
            return new RetrievalSearch(encoder, lease,
                    lease.index().search(settings.searchEf, settings.searchMaxCandidates, head, scan, plan.walkGraphs()),
                    scan, plan);
        } catch (RuntimeException e) {
            if (encoder != null) {
                encoder.close();
            }
            lease.close();
            throw e;
        }
    }

    float[][] queries(EncoderInputs inputs) throws OrtException {
        return encoder.encode(inputs);
    }

    /** One search per query of the batch (the longest bands scanned for the whole batch at once). */
    ApproximateItemSearch.Found[] search(float[][] queries, int topK, long[][] seenIndices) {
        return search.search(queries, topK, seenIndices);
    }

    /** How this version is searched: the exact scan's size and whether graphs are walked. */
    SearchPlan plan() {
        return plan;
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
        if (headScan != null) {
            headScan.close();
        }
        lease.close();
    }
}
