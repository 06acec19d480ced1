package io.nextitem.tools.replay;

import io.nextitem.avro.ClickEvent;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Produces clicks to Kafka the way a well-behaved producer should: idempotent, keyed by user
 * (so one user's clicks stay in order on one partition), record timestamp = event time (the
 * job's watermarks read it), Avro single-object encoding. A record the broker never takes (its
 * send failed after the producer's own retries) is not dropped in silence: {@link #flush()},
 * {@link #replay} and {@link #close()} throw, with the count and the first cause.
 */
public final class ClickReplayer implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicReference<Exception> firstFailure = new AtomicReference<>();
    private final Callback delivery = (metadata, exception) -> {
        if (exception != null) {
            firstFailure.compareAndSet(null, exception);  // before the count, so a reader of the count sees a cause
            failed.incrementAndGet();
        }
    };

    public ClickReplayer(String bootstrapServers, String topic) {
        this(bootstrapServers, topic, java.util.Map.of());
    }

    /** @param clientProperties extra producer settings, e.g. {@code KafkaSettings#clientProperties()} for a secured cluster */
    public ClickReplayer(String bootstrapServers, String topic, java.util.Map<String, ?> clientProperties) {
        this.producer = io.nextitem.kafka.ByteProducers.open(bootstrapServers, clientProperties,
                java.util.Map.of(ProducerConfig.LINGER_MS_CONFIG, 5));
        this.topic = topic;
    }

    /**
     * @param eventsPerSecond 0 for as fast as the broker takes them
     * @param progress        where the progress line goes (carriage-return updated), or null
     */
    public void replay(List<ClickEvent> events, double eventsPerSecond, PrintStream progress)
            throws IOException, InterruptedException {
        long start = System.nanoTime();
        long lastPrint = 0;
        for (int i = 0; i < events.size(); i++) {
            send(events.get(i));
            if (eventsPerSecond > 0) {
                long due = start + (long) (i / eventsPerSecond * 1e9);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            }
            long now = System.nanoTime();
            if (progress != null && (now - lastPrint > 500_000_000L || i == events.size() - 1)) {
                lastPrint = now;
                double seconds = Math.max(1e-9, (now - start) / 1e9);
                progress.printf("\rreplayed %,d/%,d clicks (%,.0f/s)", i + 1, events.size(), (i + 1) / seconds);
            }
        }
        flush();
        if (progress != null) {
            progress.println();
        }
    }

    public void send(ClickEvent event) throws IOException {
        ByteBuffer buffer = event.toByteBuffer();
        byte[] value = new byte[buffer.remaining()];
        buffer.get(value);
        sendRaw(event.getUserId().getBytes(StandardCharsets.UTF_8), value, event.getEventTimeMillis());
    }

    /** For tests and tools that need to put arbitrary bytes on the topic. */
    public void sendRaw(byte[] key, byte[] value, long timestampMillis) {
        sent.incrementAndGet();
        producer.send(new ProducerRecord<>(topic, null, timestampMillis, key, value), delivery);
    }

    /** Waits for every record sent so far; throws if any of them was not written. */
    public void flush() {
        producer.flush();
        throwIfAnyFailed();
    }

    @Override
    public void close() {
        producer.close();
        throwIfAnyFailed();
    }

    private void throwIfAnyFailed() {
        long lost = failed.get();
        if (lost > 0) {
            Exception cause = firstFailure.get();
            throw new IllegalStateException(String.format("%,d of %,d records were not written to topic %s: %s",
                    lost, sent.get(), topic, cause), cause);
        }
    }
}
