package io.nextitem.tools.reliability;

import io.nextitem.avro.DeadLetter;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The dead-letter topic against the malformed records sent: each must come back once, with the
 * reason the corpus promised and its original bytes unchanged (so it can be replayed after a fix).
 *
 * @param missing     malformed records with no matching dead letter (same reason and bytes)
 * @param unexplained dead letters matching no malformed record: a wrong reason, changed bytes, a
 *                    second copy, or a valid click refused
 * @param byReason    dead letters per reason code, as received
 */
record DeadLetterCheck(long expected, long received, long missing, long unexplained, Map<String, Long> byReason) {

    static DeadLetterCheck of(List<MalformedCorpus.Case> sent, List<DeadLetter> received) {
        Map<String, Integer> outstanding = new HashMap<>();
        for (MalformedCorpus.Case c : sent) {
            outstanding.merge(key(c.expected().name(), c.value() == null ? new byte[0] : c.value()), 1, Integer::sum);
        }
        Map<String, Long> byReason = new TreeMap<>();
        long unexplained = 0;
        for (DeadLetter letter : received) {
            byReason.merge(letter.getReason().name(), 1L, Long::sum);
            String key = key(letter.getReason().name(), bytes(letter.getOriginalBytes()));
            Integer left = outstanding.get(key);
            if (left == null) {
                unexplained++;
            } else if (left == 1) {
                outstanding.remove(key);
            } else {
                outstanding.put(key, left - 1);
            }
        }
        long missing = outstanding.values().stream().mapToLong(Integer::longValue).sum();
        return new DeadLetterCheck(sent.size(), received.size(), missing, unexplained, byReason);
    }

    boolean exact() {
        return missing == 0 && unexplained == 0;
    }

    private static String key(String reason, byte[] value) {
        return reason + ":" + HexFormat.of().formatHex(value);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] out = new byte[copy.remaining()];
        copy.get(out);
        return out;
    }
}
