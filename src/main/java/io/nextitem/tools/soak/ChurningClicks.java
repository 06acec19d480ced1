package io.nextitem.tools.soak;

import io.nextitem.avro.ClickEvent;
import io.nextitem.avro.EventType;
import io.nextitem.model.IdVocabulary;
import java.util.Random;

/**
 * The soak's endless click stream, with users who come and go so that state TTL has work to do.
 * At any moment {@code activeUsers} users click; the window of active user numbers slides forward
 * by {@code newUsersPerMinute}, so a user is active for activeUsers / newUsersPerMinute minutes and
 * then never clicks again. With a TTL of T minutes the state then holds about
 * activeUsers + T * newUsersPerMinute users once the first users have expired: flat, not growing.
 * Items are drawn with a popularity skew (the square of a uniform draw) from the model's vocabulary.
 * Event ids are {@code <run>-<n>}, n counting from 0, so the answers can be tallied in a bit set.
 */
final class ChurningClicks {
    private final String run;
    private final IdVocabulary items;
    private final int activeUsers;
    private final double newUsersPerMinute;
    private final Random random;
    private long next;

    ChurningClicks(String run, IdVocabulary items, int activeUsers, double newUsersPerMinute, long seed) {
        this.run = run;
        this.items = items;
        this.activeUsers = activeUsers;
        this.newUsersPerMinute = newUsersPerMinute;
        this.random = new Random(seed);
    }

    /** The next click, by a user active {@code minutesIn} minutes after the soak began, at wall-clock time {@code nowMillis}. */
    ClickEvent next(double minutesIn, long nowMillis) {
        long firstActive = (long) (minutesIn * newUsersPerMinute);
        long user = firstActive + random.nextInt(activeUsers);
        double skewed = random.nextDouble();
        int itemIndex = 1 + (int) (skewed * skewed * items.size());
        return ClickEvent.newBuilder()
                .setEventId(run + "-" + next++)
                .setUserId(run + "-u" + user)
                .setItemId(items.idOf(Math.min(itemIndex, items.size())))
                .setEventType(EventType.CLICK)
                .setEventTimeMillis(nowMillis)
                .build();
    }

    /** Clicks made so far (the event numbers 0 .. sent()-1 exist). */
    long sent() {
        return next;
    }

    /** The event number in an event id this stream made, or -1 for any other id. */
    long numberOf(String eventId) {
        if (!eventId.startsWith(run + "-")) {
            return -1;
        }
        try {
            return Long.parseLong(eventId.substring(run.length() + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
