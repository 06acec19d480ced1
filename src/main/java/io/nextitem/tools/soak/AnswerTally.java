package io.nextitem.tools.soak;

import io.nextitem.avro.Recommendation;
import io.nextitem.tools.replay.RecommendationReader;
import java.time.Duration;
import java.util.BitSet;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToLongFunction;

/**
 * Reads the recommendations topic with read_committed (as a consuming service does) for the whole
 * soak and tallies the answers by event number in bit sets: millions of lists are counted without
 * keeping them. A second answer to the same click is a duplicate; a click never answered is lost.
 */
final class AnswerTally implements AutoCloseable {
    private final RecommendationReader reader;
    private final ToLongFunction<String> eventNumber;
    private final BitSet answered = new BitSet();
    private final Map<String, Long> listsByModelVersion = new TreeMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile RuntimeException failure;
    private long duplicated;
    private long foreign;

    AnswerTally(String bootstrapServers, String topic, ToLongFunction<String> eventNumber) {
        this.reader = new RecommendationReader(bootstrapServers, topic, true, true);
        this.eventNumber = eventNumber;
        this.thread = new Thread(this::readUntilClosed, "soak-answer-tally");
        thread.setDaemon(true);
        thread.start();
    }

    private void readUntilClosed() {
        try {
            while (running) {
                for (Recommendation r : reader.poll(Duration.ofMillis(500))) {
                    count(r);
                }
            }
        } catch (Exception e) {
            failure = new IllegalStateException("reading the recommendations topic failed: " + e.getMessage(), e);
        }
    }

    private synchronized void count(Recommendation r) {
        long n = eventNumber.applyAsLong(r.getTriggerEventId());
        if (n < 0 || n > Integer.MAX_VALUE) {
            foreign++;
            return;
        }
        if (answered.get((int) n)) {
            duplicated++;
        } else {
            answered.set((int) n);
        }
        listsByModelVersion.merge(r.getModelVersion(), 1L, Long::sum);
    }

    /** Distinct clicks answered so far. */
    synchronized long answered() {
        throwIfFailed();
        return answered.cardinality();
    }

    /** Clicks among the first {@code sent} that have no answer. */
    synchronized long missingOf(long sent) {
        throwIfFailed();
        return sent - answered.get(0, (int) sent).cardinality();
    }

    synchronized long duplicated() {
        return duplicated;
    }

    /** Lists whose trigger is no click of this soak (none expected). */
    synchronized long foreign() {
        return foreign;
    }

    synchronized Map<String, Long> listsByModelVersion() {
        return new TreeMap<>(listsByModelVersion);
    }

    /** Waits until every one of the first {@code sent} clicks is answered or the timeout passes, then {@code quiet} longer for late duplicates. */
    void awaitAll(long sent, Duration timeout, Duration quiet) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (missingOf(sent) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(500);   // the reader thread fills the tally
        }
        Thread.sleep(quiet.toMillis());
    }

    private void throwIfFailed() {
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public void close() throws Exception {
        running = false;
        thread.join(5_000);
        reader.close();
    }
}
