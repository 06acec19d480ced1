package io.nextitem.inference;

import ai.onnxruntime.OrtException;
import io.nextitem.avro.RankedItem;
import io.nextitem.avro.Recommendation;
import io.nextitem.avro.RecommendationSource;
import io.nextitem.config.ModelSettings;
import io.nextitem.model.IdVocabulary;
import io.nextitem.model.ModelVersion;
import io.nextitem.model.PopularityList;
import io.nextitem.sequence.ScoringRequest;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Turns a user's sequence into a top-K list: the encoder ranks when the sequence holds at least
 * one item the model knows; otherwise (cold user, only new items) the popularity list does.
 * Items already in the sequence are never recommended. Not thread-safe (one per operator).
 */
public final class SequenceRecommender implements AutoCloseable {
    private final ModelVersion version;
    private final OnnxEncoder encoder;
    private final int topK;

    /** Counts from the last call, read by the operator for its metrics. */
    private int lastUnknownItems;
    private boolean lastUserUnknown;
    private int lastUnknownCategories;

    /**
     * Everything a version must pass before it serves: the manifest and every file's sha256
     * (ModelVersion.load), the graph's signature (OnnxEncoder), golden parity (GoldenCheck) and
     * model.top-k against the version's top_k.
     *
     * @throws ModelLoadException (or IllegalArgumentException for top-k) naming what failed
     */
    public static SequenceRecommender open(Path folder, ModelSettings settings) {
        ModelVersion version = ModelVersion.load(folder);
        OnnxEncoder encoder = new OnnxEncoder(version, settings.executionProvider, settings.intraOpThreads);
        try {
            GoldenCheck.verify(version, encoder);
            LatencyBudgetCheck.verify(version, encoder, settings.latencyBudgetMs);
            return new SequenceRecommender(version, encoder, settings.topK);
        } catch (RuntimeException e) {
            encoder.close();
            throw e;
        }
    }

    public SequenceRecommender(ModelVersion version, OnnxEncoder encoder, int topK) {
        if (topK > version.manifest().topK()) {
            throw new IllegalArgumentException("model.top-k " + topK + " exceeds the version's top_k "
                    + version.manifest().topK() + "; lower model.top-k or export with a larger --top-k");
        }
        this.version = version;
        this.encoder = encoder;
        this.topK = topK;
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
                         boolean nonFiniteScores) {}

    /**
     * Several requests in one encoder call (rows left-padded to the longest), each list built as
     * {@link #recommend} builds it: the batch changes the cost, never the answer.
     */
    public List<Scored> recommendAll(List<ScoringRequest> requests, long nowMillis) throws OrtException {
        List<RequestInputs> assembled = new java.util.ArrayList<>(requests.size());
        List<EncoderInputs> scored = new java.util.ArrayList<>();
        for (ScoringRequest request : requests) {
            RequestInputs inputs = RequestInputs.of(request, version);
            assembled.add(inputs);
            if (inputs.inputs() != null) {
                scored.add(inputs.inputs());
            }
        }
        TopItems top = scored.isEmpty() ? null : encoder.score(EncoderInputs.stack(scored));
        List<Scored> out = new java.util.ArrayList<>(requests.size());
        int row = 0;
        for (int r = 0; r < requests.size(); r++) {
            RequestInputs inputs = assembled.get(r);
            boolean modelAnswered = inputs.inputs() != null;
            float[] scores = modelAnswered ? top.scores()[row] : null;
            long[] indices = modelAnswered ? top.itemIndices()[row++] : null;
            // A NaN or infinite score (a corrupted weight, an overflow) makes the graph's ranking
            // meaningless: the request gets popularity's list, and the metric says so.
            boolean nonFinite = scores != null && !allFinite(scores);
            Recommendation recommendation = nonFinite
                    ? build(requests.get(r), null, null, nowMillis)
                    : build(requests.get(r), indices, scores, nowMillis);
            out.add(new Scored(recommendation, inputs.unknownItems(), inputs.userUnknown(), inputs.unknownCategories(),
                    nonFinite));
        }
        return out;
    }

    /** Top-K minus seen items from the model's K' candidates (if any), filled from popularity. */
    private Recommendation build(ScoringRequest request, long[] indices, float[] scores, long nowMillis) {
        RankedListBuilder list = new RankedListBuilder(topK, Arrays.asList(request.itemIds));
        RecommendationSource source = RecommendationSource.POPULARITY;
        if (indices != null) {
            source = RecommendationSource.MODEL;
            IdVocabulary items = version.items();
            for (int i = 0; i < indices.length && list.offer(indexToId(items, indices[i]), scores[i]); i++) {
                // offer() does the work; the loop stops when the list is full
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
        return encoder.provider();
    }

    public ModelVersion version() {
        return version;
    }

    @Override
    public void close() {
        encoder.close();
    }
}
