package io.nextitem.tools.reliability;

import io.nextitem.tools.replay.RecommendationReader;
import java.time.Duration;

/**
 * Watches a scenario's recommendations topic the way a downstream service sees it
 * (read_committed) while the scenario runs, and keeps the longest wall-clock gap between two
 * deliveries: how long consumers saw no new list around a fault (exactly-once output becomes
 * visible only at checkpoints, so a recovery stalls it). The clock starts with the first click
 * the scenario sends ({@link #inputStarted}), so a fault before the first delivery counts too; the
 * job's start before any input does not.
 */
final class OutputStallMonitor implements AutoCloseable {
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long longestGapNanos;
    private volatile Exception failure;
    private volatile long firstInputNanos;

    OutputStallMonitor(String bootstrapServers, String topic) {
        thread = new Thread(() -> watch(bootstrapServers, topic), "output-stall-monitor-" + topic);
        thread.setDaemon(true);
        thread.start();
    }

    private void watch(String bootstrapServers, String topic) {
        long lastDelivery = 0;
        try (RecommendationReader reader = new RecommendationReader(bootstrapServers, topic, true, true)) {
            while (running) {
                if (!reader.poll(Duration.ofMillis(100)).isEmpty()) {
                    long now = System.nanoTime();
                    long since = lastDelivery != 0 ? lastDelivery : firstInputNanos;
                    if (since != 0) {
                        longestGapNanos = Math.max(longestGapNanos, now - since);
                    }
                    lastDelivery = now;
                }
            }
        } catch (Exception e) {
            failure = e;
        }
    }

    /** Marks the first click sent; later calls change nothing. */
    void inputStarted() {
        if (firstInputNanos == 0) {
            firstInputNanos = System.nanoTime();
        }
    }

    /** The longest gap so far, in seconds (one decimal). */
    double longestStallSeconds() {
        if (failure != null) {
            throw new IllegalStateException("the output stall monitor failed: " + failure.getMessage(), failure);
        }
        return Math.round(longestGapNanos / 1e8) / 10.0;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(10_000);
    }
}
