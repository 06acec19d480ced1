package io.nextitem.tools.soak;

import java.time.Duration;

/**
 * How a soak runs.
 *
 * @param minutes              how long clicks are produced
 * @param eventsPerSecond      the click rate held for the whole soak
 * @param activeUsers          users clicking at any moment
 * @param newUsersPerMinute    how fast the active users are replaced (the churn)
 * @param ttlMinutes           sequence.ttl-minutes of the job
 * @param snapshotIntervalMinutes snapshots.interval-minutes of the job (each completed interval is fine-tuned)
 * @param sampleEvery          how often the cost figures are sampled
 * @param malformedEvery       one record in this many is malformed bytes, for the dead-letter path (0 = none)
 * @param finetune             whether {@code trainer finetune --watch} runs beside the job
 * @param parallelism          the job's parallelism (one subtask per TaskManager at 2)
 * @param seed                 the click stream's seed
 */
public record SoakSettings(int minutes, double eventsPerSecond, int activeUsers, double newUsersPerMinute,
                           long ttlMinutes, long snapshotIntervalMinutes, Duration sampleEvery, int malformedEvery,
                           boolean finetune, int parallelism, long seed) {
    public SoakSettings {
        if (minutes < 1 || eventsPerSecond <= 0 || activeUsers < 1 || newUsersPerMinute < 0 || ttlMinutes < 1
                || snapshotIntervalMinutes < 1 || sampleEvery.isNegative() || sampleEvery.isZero() || malformedEvery < 0
                || parallelism < 1) {
            throw new IllegalArgumentException("soak settings out of range: " + this);
        }
    }

    /**
     * The documented soak: 30 minutes, a 5-minute TTL, samples every minute, snapshots every
     * minute (a 5-minute snapshot at this rate, 1.2 million examples, took the trainer longer than
     * the whole soak on two cores: no version was published).
     */
    public static SoakSettings full(double eventsPerSecond, long seed) {
        return new SoakSettings(30, eventsPerSecond, 20_000, 10_000, 5, 1, Duration.ofMinutes(1), 1_000, true, 2, seed);
    }

    /** The test suite's: 3 minutes at a low rate, a 1-minute TTL, samples every 15 s. */
    public static SoakSettings ci(long seed) {
        return new SoakSettings(2, 300, 600, 600, 1, 1, Duration.ofSeconds(15), 500, true, 2, seed);
    }

    /** Users the state should hold once the first ones have expired (see {@link ChurningClicks}). */
    public double expectedUsersInState() {
        return activeUsers + ttlMinutes * newUsersPerMinute;
    }
}
