package io.nextitem.testing;

import io.nextitem.avro.ClickEvent;
import io.nextitem.avro.EventType;

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
}
