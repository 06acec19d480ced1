package io.nextitem.testing;

import io.nextitem.avro.ClickEvent;
import io.nextitem.avro.EventType;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Builds valid clicks for tests; each test changes only what it is about. */
public final class Clicks {
    /** 2026-01-01T00:00:00Z, a plausible event time. */
    public static final long T0 = 1_767_225_600_000L;

    private Clicks() {}

    public static ClickEvent click(String user, String item, long eventTimeMillis) {
        return ClickEvent.newBuilder()
                .setEventId(user + "/" + item + "/" + eventTimeMillis)
                .setUserId(user)
                .setItemId(item)
                .setEventType(EventType.CLICK)
                .setEventTimeMillis(eventTimeMillis)
                .build();
    }

    /** A click with a category (null: the producer gave none). */
    public static ClickEvent click(String user, String item, long eventTimeMillis, String category) {
        ClickEvent click = click(user, item, eventTimeMillis);
        click.setCategory(category);
        return click;
    }

    /** For each click's event id: the items its user had clicked up to and including it. */
    public static Map<String, Set<String>> seenAtEachClick(List<ClickEvent> clicks) {
        Map<String, Set<String>> seenByUser = new HashMap<>();
        Map<String, Set<String>> seenAtEvent = new HashMap<>();
        for (ClickEvent click : clicks) {
            Set<String> seen = seenByUser.computeIfAbsent(click.getUserId(), u -> new HashSet<>());
            seen.add(click.getItemId());
            seenAtEvent.put(click.getEventId(), Set.copyOf(seen));
        }
        return seenAtEvent;
    }
}
