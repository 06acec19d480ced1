package io.nextitem.tools.bench;

import io.nextitem.avro.Recommendation;
import io.nextitem.tools.replay.RecommendationReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reads the job's recommendation topic on its own thread and keeps, per list, the three
 * instants the benchmarks need: the triggering click's event time, the job's emit time (when
 * the recommend stage handed the list to the sink) and when this consumer saw it.
 */
final class RecommendationProbe implements AutoCloseable {
    /** One list as seen: all times in epoch milliseconds; the item ids best first (what recall compares). */
    record Seen(String triggerEventId, long eventTimeMillis, long emitTimeMillis, long receivedMillis, List<String> items,
                String modelVersion) {
        Seen(String triggerEventId, long eventTimeMillis, long emitTimeMillis, long receivedMillis) {
            this(triggerEventId, eventTimeMillis, emitTimeMillis, receivedMillis, List.of(), "");
        }

        Seen(String triggerEventId, long eventTimeMillis, long emitTimeMillis, long receivedMillis, List<String> items) {
            this(triggerEventId, eventTimeMillis, emitTimeMillis, receivedMillis, items, "");
        }
    }

    private final List<Seen> seen = new ArrayList<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Thread thread;
    private volatile Exception failure;

    RecommendationProbe(String bootstrap, String topic, boolean readCommitted) {
        thread = new Thread(() -> read(bootstrap, topic, readCommitted), "bench-recommendation-probe");
        thread.setDaemon(true);
        thread.start();
    }

    private void read(String bootstrap, String topic, boolean readCommitted) {
        try (RecommendationReader reader = new RecommendationReader(bootstrap, topic, true, readCommitted)) {
            while (!stop.get()) {
                List<Recommendation> batch = reader.poll(Duration.ofMillis(100));
                long now = System.currentTimeMillis();
                synchronized (seen) {
                    for (Recommendation r : batch) {
                        seen.add(new Seen(r.getTriggerEventId(), r.getEventTimeMillis(), r.getEmitTimeMillis(), now,
                                r.getItems().stream().map(item -> item.getItemId().toString()).toList(),
                                r.getModelVersion()));
                    }
                }
            }
        } catch (Exception e) {
            failure = e;
        }
    }

    int count() {
        synchronized (seen) {
            return seen.size();
        }
    }

    List<Seen> snapshot() {
        synchronized (seen) {
            return List.copyOf(seen);
        }
    }

    /** Waits until {@code expected} lists arrived; false when the timeout passed first. */
    boolean awaitCount(int expected, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (count() < expected) {
            if (failure != null) {
                throw failure;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        thread.join(5_000);
    }
}
