package io.nextitem.tools.demo;

import io.nextitem.avro.ClickEvent;
import io.nextitem.avro.Recommendation;
import io.nextitem.eval.LiveQuality;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prequential HR@K and NDCG@K over a replay (the streaming protocol), from outside
 * the job: the list a user got after click n is judged by the item of the user's click n+1
 * (the same rule as the job's live-quality stage, {@link LiveQuality}). Lists for a user's last
 * click have nothing to be judged by and are not counted.
 */
public final class PrequentialEvaluator {
    /** trigger event id → the item the same user clicked next. */
    private final Map<String, String> nextItemByEvent = new HashMap<>();
    private final LiveQuality quality;
    private final Map<String, LiveQuality> byVersion = new java.util.TreeMap<>();
    /** canary candidate -> arm (SERVING, CANDIDATE) -> the lists of that arm during its trial. */
    private final Map<String, Map<String, LiveQuality>> byCanary = new java.util.TreeMap<>();
    private final int k;

    public PrequentialEvaluator(List<ClickEvent> replayOrder, int k) {
        this.quality = new LiveQuality(k);
        this.k = k;
        Map<String, String> lastEventByUser = new LinkedHashMap<>();
        for (ClickEvent click : replayOrder) {
            String previous = lastEventByUser.put(click.getUserId(), click.getEventId());
            if (previous != null) {
                nextItemByEvent.put(previous, click.getItemId());
            }
        }
    }

    public void accept(Recommendation recommendation) {
        String target = nextItemByEvent.get(recommendation.getTriggerEventId());
        if (target != null) {
            quality.judge(recommendation.getItems(), target);
            byVersion.computeIfAbsent(recommendation.getModelVersion(), v -> new LiveQuality(k))
                    .judge(recommendation.getItems(), target);
            if (recommendation.getCanaryCandidate() != null) {
                byCanary.computeIfAbsent(recommendation.getCanaryCandidate(), c -> new java.util.TreeMap<>())
                        .computeIfAbsent(recommendation.getArm().name(), a -> new LiveQuality(k))
                        .judge(recommendation.getItems(), target);
            }
        }
    }

    /** Per canary candidate, its arms' judged lists during the trial (the lists that name it). */
    public Map<String, Map<String, LiveQuality>> byCanary() {
        return java.util.Collections.unmodifiableMap(byCanary);
    }

    /** Per model version that served the judged lists. */
    public Map<String, LiveQuality> byVersion() {
        return java.util.Collections.unmodifiableMap(byVersion);
    }

    public long judged() {
        return quality.judged();
    }

    public double hitRate() {
        return quality.hitRate();
    }

    public double ndcg() {
        return quality.ndcg();
    }
}
