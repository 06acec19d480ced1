package io.nextitem.sequence;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventKeysTest {
    @Test
    void theKeyIsFnv1a64FoldedTo48Bits() {
        // FNV-1a 64 of "a" is 0xaf63dc4c8601ec8c (the published test vector); folded: 0xdc4c860143ef.
        assertThat(EventKeys.of("a")).isEqualTo(0xdc4c860143efL);
    }

    @Test
    void keysAreStableNonZeroAnd48Bits() {
        assertThat(EventKeys.of("u1/a/1767225600000")).isEqualTo(EventKeys.of(new String("u1/a/1767225600000")));
        Random random = new Random(1);
        Set<Long> keys = new HashSet<>();
        for (int i = 0; i < 200_000; i++) {
            long key = EventKeys.of(new UUID(random.nextLong(), random.nextLong()).toString());
            assertThat(key).isBetween(1L, (1L << 48) - 1);
            keys.add(key);
        }
        // 200,000 random ids into 2^48 keys: a collision has probability ~7e-5.
        assertThat(keys).hasSize(200_000);
        assertThat(EventKeys.of("")).isNotZero();
    }
}
