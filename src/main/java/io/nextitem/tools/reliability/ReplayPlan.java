package io.nextitem.tools.reliability;

import io.nextitem.avro.ClickEvent;
import io.nextitem.model.IdVocabulary;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The traffic of one scenario: valid clicks of {@code users} users in event-time order (1 ms
 * apart, so the expected sequences are unambiguous), interleaved with producer retries (the same
 * event sent again a few records later, as an idempotence-less producer does after a timeout).
 *
 * @param sent    what goes on the topic, in order (retries included)
 * @param valid   the distinct clicks, each once, in order: what the output must answer exactly once
 * @param retries how many records of {@code sent} repeat an earlier event id
 */
record ReplayPlan(List<ClickEvent> sent, List<ClickEvent> valid, int retries) {
    /**
     * Every fourth user's id starts with one of these: clean Unicode (other scripts, combining
     * marks, emoji with skin tone and zero-width joiner, astral-plane letters) is valid and must
     * come through state and output unchanged, next to the invalid text the corpus sends.
     */
    static final List<String> UNICODE_USER_PREFIXES = List.of(
            "\u30e6\u30fc\u30b6\u30fc", "\uD83D\uDC69\uD83C\uDFFD\u200D\uD83D\uDCBB", "\u0645\u0633\u062a\u062e\u062f\u0645",
            "e\u0301", "\u0395\u03bb\u03bb\u03b7\u03bd\u03b9\u03ba\u03ac", "\uD835\uDD18\uD835\uDD2B\uD835\uDD26");

    static ReplayPlan of(String scenario, ReliabilityScale scale, IdVocabulary items, long seed, long firstEventTimeMillis) {
        return of(scenario, scenario, scale, items, seed, firstEventTimeMillis);
    }

    /** As {@link #of(String, ReliabilityScale, IdVocabulary, long, long)}, users and event ids named apart. */
    static ReplayPlan of(String userPrefix, String eventPrefix, ReliabilityScale scale, IdVocabulary items, long seed,
                         long firstEventTimeMillis) {
        Random random = new Random(seed);
        List<ClickEvent> sent = new ArrayList<>(scale.events() + scale.events() / 10);
        List<ClickEvent> valid = new ArrayList<>(scale.events());
        List<ClickEvent> pendingRetries = new ArrayList<>();
        int retries = 0;
        for (int i = 0; i < scale.events(); i++) {
            int u = random.nextInt(scale.users());
            String user = (u % 4 == 0 ? UNICODE_USER_PREFIXES.get(u / 4 % UNICODE_USER_PREFIXES.size()) + "-" : "")
                    + userPrefix + "-u" + u;
            String item = items.idOf(1 + random.nextInt(items.size()));
            ClickEvent click = ClickEvent.newBuilder()
                    .setEventId(eventPrefix + "-e" + i)
                    .setUserId(user)
                    .setItemId(item)
                    .setEventType(io.nextitem.avro.EventType.CLICK)
                    .setEventTimeMillis(firstEventTimeMillis + i)
                    .build();
            sent.add(click);
            valid.add(click);
            if (random.nextDouble() < scale.retryFraction()) {
                pendingRetries.add(click);
            }
            // A retry goes out a few records after its original, while the original may still be in flight.
            if (!pendingRetries.isEmpty() && random.nextInt(4) == 0) {
                sent.add(pendingRetries.remove(0));
                retries++;
            }
        }
        sent.addAll(pendingRetries);
        retries += pendingRetries.size();
        return new ReplayPlan(sent, valid, retries);
    }
}
