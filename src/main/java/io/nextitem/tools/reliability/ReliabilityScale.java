package io.nextitem.tools.reliability;

import java.time.Duration;

/**
 * How big each scenario runs: {@code full} is the documented run (100,000 events per
 * scenario), {@code ci} the same scenarios cut down to fit the test suite's budget on two cores.
 *
 * @param events        valid clicks replayed per scenario (retries come on top)
 * @param users         distinct users the clicks spread over
 * @param taskFailures  task manager kills injected during the task-failure replay
 * @param retryFraction share of clicks the producer sends a second time (same event id)
 * @param malformed     broken records mixed into the bad-input replay
 * @param brokerDowntime how long the broker stays dead in the broker-restart scenario
 * @param networkCut    how long the network to the broker drops traffic in the network-cut scenario
 * @param timeout       how long a scenario may wait for its output before it counts what is missing as lost
 */
public record ReliabilityScale(String name, int events, int users, int taskFailures, double retryFraction,
                               int malformed, Duration brokerDowntime, Duration networkCut, Duration timeout) {
    public static ReliabilityScale ci() {
        return new ReliabilityScale("ci", 6_000, 300, 2, 0.02, 1_000, Duration.ofSeconds(5), Duration.ofSeconds(10),
                Duration.ofSeconds(180));
    }

    public static ReliabilityScale full() {
        return new ReliabilityScale("full", 100_000, 2_000, 5, 0.02, 5_000, Duration.ofSeconds(30), Duration.ofSeconds(60),
                Duration.ofMinutes(10));
    }

    /** The same scale with another number of task manager kills (the ten-kill run on the standalone cluster). */
    public ReliabilityScale withTaskFailures(int kills) {
        if (kills < 1) {
            throw new IllegalArgumentException("task manager kills must be at least 1, got " + kills);
        }
        return new ReliabilityScale(name, events, users, kills, retryFraction, malformed, brokerDowntime, networkCut, timeout);
    }

    public static ReliabilityScale named(String name) {
        return switch (name) {
            case "ci" -> ci();
            case "full" -> full();
            default -> throw new IllegalArgumentException("unknown scale '" + name + "' (ci or full)");
        };
    }
}
