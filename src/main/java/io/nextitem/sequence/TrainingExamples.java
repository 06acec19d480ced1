package io.nextitem.sequence;

import io.nextitem.avro.ClickEvent;
import io.nextitem.avro.TrainingExample;
import io.nextitem.sequence.state.SequenceEntry;
import io.nextitem.snapshot.SnapshotInterval;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Builds the training example a click makes: what came before it in the user's sequence, and it. */
final class TrainingExamples {
    private TrainingExamples() {}

    /**
     * @param updated the sequence after the click was added, in event-time order
     * @param added the click's entry in it (a late click sits before newer entries: only the ones
     *              before it are its prefix)
     * @return empty when nothing precedes the click
     */
    static Optional<TrainingExample> of(ClickEvent click, List<SequenceEntry> updated, SequenceEntry added,
                                        long watermarkMillis, long intervalMillis) {
        int position = updated.size() - 1;
        while (position >= 0 && updated.get(position) != added) { // by identity: an equal earlier click is another entry
            position--;
        }
        if (position <= 0) { // the first click, or one too old to be kept
            return Optional.empty();
        }
        List<SequenceEntry> prefix = updated.subList(0, position);
        List<String> items = new ArrayList<>(position);
        List<Long> times = new ArrayList<>(position);
        List<String> categories = new ArrayList<>(position);
        for (SequenceEntry entry : prefix) {
            items.add(entry.getItemId());
            times.add(entry.getEventTimeMillis());
            categories.add(entry.getCategory());
        }
        // A click behind the watermark joins the interval still open, never a completed one.
        long placedAt = Math.max(click.getEventTimeMillis(), watermarkMillis);
        return Optional.of(TrainingExample.newBuilder()
                .setEventId(click.getEventId())
                .setUserId(click.getUserId())
                .setPrefixItemIds(items)
                .setPrefixEventTimesMillis(times)
                .setPrefixCategories(categories)
                .setNextItemId(click.getItemId())
                .setNextEventTimeMillis(click.getEventTimeMillis())
                .setNextCategory(click.getCategory())
                .setSnapshotStartMillis(SnapshotInterval.of(placedAt, intervalMillis).startMillis())
                .build());
    }
}
