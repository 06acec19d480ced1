package io.nextitem.tools.bench;

import io.nextitem.avro.ClickEvent;
import io.nextitem.avro.EventType;
import io.nextitem.model.IdVocabulary;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Clicks for the job benchmarks, in rounds: in every round each of the users clicks once (in a
 * seeded random order) on a uniformly drawn item of the served catalogue. After max_seq_len
 * rounds every user's sequence is full, so from then on each request costs what the bare-runtime
 * ceiling's full-length requests cost; the throughput window starts there.
 */
final class BenchClicks {
    static final String USER_PREFIX = "bench-u";

    private BenchClicks() {}

    /** @param firstEventTimeMillis event times run from here, 1 ms apart (ordered, so no click is late) */
    static List<ClickEvent> rounds(int users, int rounds, IdVocabulary items, long seed, String eventIdPrefix,
                                   long firstEventTimeMillis) {
        Random random = new Random(seed);
        List<Integer> order = new ArrayList<>(users);
        for (int u = 0; u < users; u++) {
            order.add(u);
        }
        List<ClickEvent> clicks = new ArrayList<>(users * rounds);
        for (int round = 0; round < rounds; round++) {
            Collections.shuffle(order, random);
            for (int user : order) {
                clicks.add(click(eventIdPrefix + round + "-" + user, userId(user),
                        items.idOf(1 + random.nextInt(items.size())), firstEventTimeMillis + clicks.size()));
            }
        }
        return clicks;
    }

    static String userId(long user) {
        return USER_PREFIX + user;
    }

    static ClickEvent click(String eventId, String user, String item, long eventTimeMillis) {
        return ClickEvent.newBuilder()
                .setEventId(eventId)
                .setUserId(user)
                .setItemId(item)
                .setEventType(EventType.CLICK)
                .setEventTimeMillis(eventTimeMillis)
                .build();
    }
}
