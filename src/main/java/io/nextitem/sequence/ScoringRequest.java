package io.nextitem.sequence;

/**
 * One user's sequence right after a click, to be scored. Arrays are oldest first and of equal
 * length; item ids are the producer's strings (the model version maps them to indices).
 */
public class ScoringRequest {
    public String userId;
    public String triggerEventId;
    public long eventTimeMillis;
    public String[] itemIds;
    public long[] eventTimesMillis;
    /** Category per item; null entries where the producer gave none. */
    public String[] categories;
    /** The clicked item (also somewhere in itemIds: at the end unless the click came late). */
    public String triggerItemId = "";

    public ScoringRequest() {}

    public ScoringRequest(String userId, String triggerEventId, long eventTimeMillis,
                          String[] itemIds, long[] eventTimesMillis, String[] categories) {
        this.userId = userId;
        this.triggerEventId = triggerEventId;
        this.eventTimeMillis = eventTimeMillis;
        this.itemIds = itemIds;
        this.eventTimesMillis = eventTimesMillis;
        this.categories = categories;
    }

    public ScoringRequest withTriggerItem(String itemId) {
        this.triggerItemId = itemId;
        return this;
    }
}
