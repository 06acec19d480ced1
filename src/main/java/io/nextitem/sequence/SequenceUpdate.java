package io.nextitem.sequence;

import io.nextitem.sequence.state.SequenceEntry;
import java.util.ArrayList;
import java.util.List;

/** The pure rule for adding a click to a sequence: keep event-time order, keep the newest L. */
public final class SequenceUpdate {
    private SequenceUpdate() {}

    /**
     * @param entries   current entries, oldest first (not modified)
     * @param added     the new click
     * @param maxLength L, the most entries kept
     * @return a new list, ordered by event time (ties keep arrival order), at most L long,
     *         dropping the oldest; a click older than all of a full sequence is not kept
     */
    public static List<SequenceEntry> append(List<SequenceEntry> entries, SequenceEntry added, int maxLength) {
        List<SequenceEntry> updated = new ArrayList<>(entries.size() + 1);
        updated.addAll(entries);
        // Walk back from the newest: clicks almost always arrive in order, so this is O(1) then.
        int position = updated.size();
        while (position > 0 && updated.get(position - 1).getEventTimeMillis() > added.getEventTimeMillis()) {
            position--;
        }
        updated.add(position, added);
        int excess = updated.size() - maxLength;
        return excess > 0 ? new ArrayList<>(updated.subList(excess, updated.size())) : updated;
    }
}
