package io.nextitem.inference;

import ai.onnxruntime.OrtException;
import io.nextitem.avro.Recommendation;
import io.nextitem.avro.RecommendationSource;
import io.nextitem.ann.ApproximateItemSearch;
import io.nextitem.config.ModelSettings;
import io.nextitem.model.IdVocabulary;
import io.nextitem.model.ModelVersion;
import io.nextitem.model.PopularityList;
import io.nextitem.sequence.ScoringRequest;
import java.nio.file.Path;
import java.util.List;

/**
 * Turns a user's sequence into a top-K list: the encoder ranks when the sequence holds at least
 * one item the model knows; otherwise (cold user, only new items) the popularity list does.
 * Items already in the sequence are never recommended. Not thread-safe (one per operator).
 */
public final class SequenceRecommender implements AutoCloseable {
    private final ModelVersion version;
    /** model.onnx; null when this version is searched approximately. */
    private final OnnxEncoder encoder;
    /** Non-null when this version is searched approximately (model.search): then it ranks, not model.onnx. */
    private final RetrievalSearch retrieval;
    private final int topK;
    /** Candidates beyond topK passed on for the items stage to filter (model.extraCandidates); 0 without item rules. */
    private final int extraCandidates;

    /** Counts from the last call, read by the operator for its metrics. */
    private int lastUnknownItems;
    private boolean lastUserUnknown;
    private int lastUnknownCategories;

    /**
     * Everything a version must pass before it serves: the manifest and every file's sha256
     * (ModelVersion.load), its fit to the job's settings (ServingInvariants: sequence.max-length,
     * the folder's name, model.top-k), the graph's signature (OnnxEncoder), golden parity
     * (GoldenCheck) and the latency budget. The starting version and every swapped-in one come here.
     *
     * @throws ModelLoadException naming what failed and what to change
     */
    public static SequenceRecommender open(Path folder, ModelSettings settings) {
        ModelVersion version = ModelVersion.load(folder);
        ServingInvariants.verify(version, settings); // before the graph loads: cheap, and says what to change
        OnnxEncoder encoder = new OnnxEncoder(version, settings.executionProvider, settings.cudaDeviceId,
                settings.intraOpThreads);
        RetrievalSearch retrieval = null;
        try {
            GoldenCheck.verify(version, encoder);
            LatencyBudgetCheck.verify(version, encoder, settings.latencyBudgetMs);
            if (RetrievalSearch.chosenFor(version.manifest(), settings)) {
                // the index is checked (index.json against the vectors, Lucene checksums) and
                // shared per process; the query graph must reproduce golden.json exactly
                retrieval = RetrievalSearch.open(version, settings);
                RetrievalGoldenCheck.verify(version, retrieval.encoder(), retrieval.vectors());
                // model.onnx has passed its checks and ranks nothing here: its session (which holds
                // the whole item table, per subtask) is not kept
                encoder.close();
                encoder = null;
                return new SequenceRecommender(version, null, retrieval, settings.topK, settings.extraCandidates);
            }
            return new SequenceRecommender(version, encoder, null, settings.topK, settings.extraCandidates);
        } catch (RuntimeException e) {
            if (encoder != null) {
                encoder.close();
            }
            if (retrieval != null) {
                retrieval.close();
            }
            throw e;
        }
    }

    public SequenceRecommender(ModelVersion version, OnnxEncoder encoder, int topK) {
        this(version, encoder, null, topK, 0);
    }

    SequenceRecommender(ModelVersion version, OnnxEncoder encoder, RetrievalSearch retrieval, int topK, int extraCandidates) {
        String topKProblem = ServingInvariants.topKProblem(version.manifest(), topK);
        if (topKProblem != null) {
            throw new IllegalArgumentException(topKProblem);
        }
        this.version = version;
        this.encoder = encoder;
        this.retrieval = retrieval;
        this.topK = topK;
        this.extraCandidates = extraCandidates;
    }

    /** Whether this version ranks by approximate search (query.onnx + the shared index). */
    public boolean searchesApproximately() {
        return retrieval != null;
    }

    /** How approximate search answers for this version; null when it is searched exactly. */
    SearchPlan searchPlan() {
        return retrieval == null ? null : retrieval.plan();
    }

    /** One request, scored alone; the counts of this call are read with the last* methods. */
    public Recommendation recommend(ScoringRequest request, long nowMillis) throws OrtException {
        Scored scored = recommendAll(List.of(request), nowMillis).get(0);
        lastUnknownItems = scored.unknownItems();
        lastUserUnknown = scored.userUnknown();
        lastUnknownCategories = scored.unknownCategories();
        return scored.recommendation();
    }

    /**
     * A recommendation and what its request held that the version does not know (for metrics).
     *
     * @param nonFiniteScores the model answered NaN or infinite scores for this request, so its
     *                        ranking was dropped and the list is popularity's
     */
    public record Scored(Recommendation recommendation, int unknownItems, boolean userUnknown, int unknownCategories,
                         boolean nonFiniteScores, int searchRefetches, boolean searchShort) {}

    /**
     * A request with its encoder inputs looked up in one version's vocabularies. Made by
     * {@link #prepare}, which only reads the version's immutable tables, so the task thread can
     * prepare while the inference thread scores.
     */
    public record Prepared(ScoringRequest request, RequestInputs inputs, ModelVersion version) {}

    /**
     * A prepared request as the encoder answered it: the K' candidates best first, or nulls on
     * the popularity path. {@link #rank} turns it into the list; it needs only the version's
     * tables, not the session, so it may run after the version was swapped out.
     */
    public record Answered(SequenceRecommender by, Prepared prepared, long[] candidateIndices, float[] candidateScores,
                           ApproximateItemSearch.Found found) {
        Answered(SequenceRecommender by, Prepared prepared, long[] candidateIndices, float[] candidateScores) {
            this(by, prepared, candidateIndices, candidateScores, null);
        }

        public Scored rank(long nowMillis) {
            return by.rank(this, nowMillis);
        }
    }

    /** Looks a request's items, categories and user up in this version. Thread-safe. */
    public Prepared prepare(ScoringRequest request) {
        return new Prepared(request, RequestInputs.of(request, version), version);
    }

    /**
     * Several requests in one encoder call (rows left-padded to the longest), each list built as
     * {@link #recommend} builds it: the batch changes the cost, never the answer.
     */
    public List<Scored> recommendAll(List<ScoringRequest> requests, long nowMillis) throws OrtException {
        List<Prepared> prepared = new java.util.ArrayList<>(requests.size());
        for (ScoringRequest request : requests) {
            prepared.add(prepare(request));
        }
        List<Scored> out = new java.util.ArrayList<>(requests.size());
        for (Answered answered : answer(prepared)) {
            out.add(answered.rank(nowMillis));
        }
        return out;
    }

    /**
     * One encoder call for the prepared requests that hold a known item (the others go to
     * popularity). A request prepared for another version (one swapped out since) is prepared
     * again here, so its indices are this version's.
     */
    public List<Answered> answer(List<Prepared> prepared) throws OrtException {
        Prepared[] current = new Prepared[prepared.size()];
        List<EncoderInputs> scored = new java.util.ArrayList<>(prepared.size());
        for (int r = 0; r < current.length; r++) {
            Prepared p = prepared.get(r);
            current[r] = p.version() == version ? p : prepare(p.request());
            if (current[r].inputs().inputs() != null) {
                scored.add(current[r].inputs().inputs());
            }
        }
        if (retrieval != null) {
            return answerApproximately(current, scored);
        }
        TopItems top = scored.isEmpty() ? null : encoder.score(EncoderInputs.stack(scored));
        List<Answered> out = new java.util.ArrayList<>(current.length);
        int row = 0;
        for (Prepared p : current) {
            boolean modelAnswered = p.inputs().inputs() != null;
            out.add(new Answered(this, p, modelAnswered ? top.itemIndices()[row] : null,
                    modelAnswered ? top.scores()[row++] : null));
        }
        return out;
    }

    /**
     * query.onnx for the batch, then one index search per request that over-fetches past its
     * seen items (ApproximateItemSearch): the candidates come back unseen, best first, with
     * their inner products, and rank() builds the list from them as from model.onnx's.
     */
    private List<Answered> answerApproximately(Prepared[] current, List<EncoderInputs> scored) throws OrtException {
        float[][] queries = scored.isEmpty() ? new float[0][] : retrieval.queries(EncoderInputs.stack(scored));
        long[][] seen = new long[queries.length][];
        int asked = 0;
        for (Prepared p : current) {
            if (p.inputs().inputs() != null) {
                seen[asked++] = p.inputs().seenIndices();
            }
        }
        ApproximateItemSearch.Found[] found = retrieval.search(queries, topK + extraCandidates, seen);
        List<Answered> out = new java.util.ArrayList<>(current.length);
        int row = 0;
        for (Prepared p : current) {
            if (p.inputs().inputs() == null) {
                out.add(new Answered(this, p, null, null, null));
                continue;
            }
            ApproximateItemSearch.Found f = found[row++];
            out.add(new Answered(this, p, f.itemIndices(), f.scores(), f));
        }
        return out;
    }

    /** The list for an answered request. Thread-safe: reads only the version's tables. */
    Scored rank(Answered answered, long nowMillis) {
        RequestInputs inputs = answered.prepared().inputs();
        float[] scores = answered.candidateScores();
        // A NaN or infinite score (a corrupted weight, an overflow) makes the graph's ranking
        // meaningless: the request gets popularity's list, and the metric says so.
        boolean nonFinite = scores != null && !allFinite(scores);
        ScoringRequest request = answered.prepared().request();
        Recommendation recommendation = nonFinite
                ? build(request, inputs.seenIndices(), null, null, nowMillis)
                : build(request, inputs.seenIndices(), answered.candidateIndices(), scores, nowMillis);
        ApproximateItemSearch.Found found = answered.found();
        return new Scored(recommendation, inputs.unknownItems(), inputs.userUnknown(), inputs.unknownCategories(), nonFinite,
                found == null ? 0 : found.refetches(), found != null && found.shortOfTopK());
    }

    /**
     * Top-K minus seen items from the model's K' candidates (if any), filled from popularity.
     * With item rules downstream, deeper: up to topK + extraCandidates from the model, then as many
     * again from popularity, for the rules to filter and cut to topK.
     */
    private Recommendation build(ScoringRequest request, long[] seenIndices, long[] indices, float[] scores, long nowMillis) {
        int modelDepth = topK + extraCandidates;
        RankedListBuilder list = new RankedListBuilder(modelDepth, extraCandidates == 0 ? topK : 2 * modelDepth,
                seenIndices, request.itemIds);
        RecommendationSource source = RecommendationSource.POPULARITY;
        if (indices != null) {
            source = RecommendationSource.MODEL;
            IdVocabulary items = version.items();
            for (int i = 0; i < indices.length && list.offerIndexed(indices[i], indexToId(items, indices[i]), scores[i]); i++) {
                // offerIndexed() does the work; the loop stops when the list is full
            }
        }
        if (!list.isFull()) {
            PopularityList popular = version.popularity();
            List<String> ids = popular.itemIds();
            for (int i = 0; i < ids.size() && list.offer(ids.get(i), popular.counts()[i]); i++) {
                // fills what the model left open (or everything for a cold user)
            }
        }
        return Recommendation.newBuilder()
                .setUserId(request.userId)
                .setTriggerEventId(request.triggerEventId)
                .setItems(list.build())
                .setModelName(version.name())
                .setModelVersion(version.version())
                .setSource(source)
                .setEventTimeMillis(request.eventTimeMillis)
                .setEmitTimeMillis(nowMillis)
                .setTriggerItemId(request.triggerItemId == null ? "" : request.triggerItemId)
                .build();
    }

    private static boolean allFinite(float[] scores) {
        for (float score : scores) {
            if (!Float.isFinite(score)) {
                return false;
            }
        }
        return true;
    }

    private static String indexToId(IdVocabulary items, long index) {
        return index >= 1 && index <= items.size() ? items.idOf((int) index) : null;
    }

    public int lastUnknownItems() {
        return lastUnknownItems;
    }

    /** Items of the last call's sequence that the model reads whose category it does not know. */
    public int lastUnknownCategories() {
        return lastUnknownCategories;
    }

    /** Whether the last call scored with user_idx = 0 although the model reads user_idx. */
    public boolean lastUserUnknown() {
        return lastUserUnknown;
    }

    public ExecutionProvider provider() {
        return encoder != null ? encoder.provider() : retrieval.encoder().provider();
    }

    public ModelVersion version() {
        return version;
    }

    @Override
    public void close() {
        if (encoder != null) {
            encoder.close();
        }
        if (retrieval != null) {
            retrieval.close(); // lets go of the shared index; the last subtask to do so closes it
        }
    }
}
