package io.nextitem.inference;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Dynamic batching for the encoder: prepared requests queue up; one inference thread takes the
 * first, waits at most {@code maxDelayMicros} for more (up to {@code maxBatch}), scores them in
 * one call and hands each request's answer to its callback. Under light load a request waits at
 * most the delay; under heavy load batches fill at once, so cost per request falls as load
 * rises. The thread does only the encoder call: looking ids up before and ranking after run on
 * the caller's side, so on a CPU the encoder has this thread to itself. The thread owns the served
 * version: {@link Owner#beforeBatch()} may swap it between batches.
 */
final class InferenceBatcher implements AutoCloseable {
    /** What the batcher asks of the operator that owns it, all on the inference thread. */
    interface Owner {
        /** What to score the next batch with (swapping a version or canary in if one is ready). */
        ServingLineup beforeBatch();

        /** After each batch: its size, how long its first request waited, and how long scoring took. */
        void afterBatch(int batchSize, long queueDelayMicros, long inferenceMicros);
    }

    record Pending(SequenceRecommender.Prepared request, long enqueuedNanos, Consumer<ServingLineup.Answers> done,
                   Consumer<Throwable> failed) {}

    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final int maxBatch;
    private final long maxDelayNanos;
    private final Owner owner;
    private final Thread thread;
    private volatile boolean running = true;

    InferenceBatcher(int maxBatch, long maxDelayMicros, Owner owner, String threadName) {
        this.maxBatch = maxBatch;
        this.maxDelayNanos = TimeUnit.MICROSECONDS.toNanos(maxDelayMicros);
        this.owner = owner;
        this.thread = new Thread(this::loop, threadName);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    void submit(SequenceRecommender.Prepared request, Consumer<ServingLineup.Answers> done, Consumer<Throwable> failed) {
        queue.add(new Pending(request, System.nanoTime(), done, failed));
    }

    private void loop() {
        List<Pending> batch = new ArrayList<>(maxBatch);
        while (running) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                long deadline = first.enqueuedNanos() + maxDelayNanos;
                while (batch.size() < maxBatch) {
                    queue.drainTo(batch, maxBatch - batch.size());
                    long left = deadline - System.nanoTime();
                    if (batch.size() >= maxBatch || left <= 0) {
                        break;
                    }
                    Pending next = queue.poll(left, TimeUnit.NANOSECONDS);
                    if (next != null) {
                        batch.add(next);
                    }
                }
                score(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                batch.clear();
            }
        }
    }

    private void score(List<Pending> batch) {
        long started = System.nanoTime();
        long queueDelayMicros = (started - batch.get(0).enqueuedNanos()) / 1000;
        try {
            ServingLineup lineup = owner.beforeBatch();
            List<SequenceRecommender.Prepared> requests = new ArrayList<>(batch.size());
            batch.forEach(p -> requests.add(p.request()));
            List<ServingLineup.Answers> answered = lineup.answer(requests);
            owner.afterBatch(batch.size(), queueDelayMicros, (System.nanoTime() - started) / 1000);
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).done().accept(answered.get(i));
            }
        } catch (Exception | LinkageError e) {
            batch.forEach(p -> p.failed().accept(e)); // fails the job as an exception in map() would
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
