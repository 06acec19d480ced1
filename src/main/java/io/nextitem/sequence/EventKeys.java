package io.nextitem.sequence;

import java.nio.charset.StandardCharsets;

/**
 * The key under which a click's event_id is kept in sequence state: 48 bits of its 64-bit
 * FNV-1a hash (over the UTF-8 bytes, so it is the same in every JVM and after every restore).
 * Retries are looked for only among one user's newest L clicks, so two ids of that user sharing
 * a key (about L / 2^48 per click) is what a dropped click would take; the key is 7 bytes in
 * state where a UUID is 37.
 */
public final class EventKeys {
    private static final long FNV_OFFSET_BASIS = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;
    private static final long KEY_MASK = (1L << 48) - 1;

    private EventKeys() {}

    /** @return a key in [1, 2^48): 0 means "no key" in state written before keys existed */
    public static long of(String eventId) {
        long hash = FNV_OFFSET_BASIS;
        for (byte b : eventId.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= FNV_PRIME;
        }
        long key = (hash ^ (hash >>> 48)) & KEY_MASK; // fold the top bits in, keep 48
        return key == 0 ? 1 : key;
    }
}
