package io.nextitem.model;

import io.nextitem.avro.ModelUpdate;
import io.nextitem.avro.ModelUpdateAction;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Writes an operator's PIN or UNPIN to model.updates-topic and waits until the broker has it. */
public final class ModelUpdatePublisher {
    /** One key for every command: with a compacted topic only the newest is kept, which is all that counts. */
    public static final byte[] KEY = "model-pin".getBytes(StandardCharsets.UTF_8);

    private ModelUpdatePublisher() {}

    public static void publish(String bootstrapServers, String topic, ModelUpdateAction action, String version,
                               String reason) throws IOException, InterruptedException {
        publish(bootstrapServers, java.util.Map.of(), topic, action, version, reason);
    }

    /** @param clientProperties extra producer settings, e.g. {@code KafkaSettings#clientProperties()} for a secured cluster */
    public static void publish(String bootstrapServers, java.util.Map<String, ?> clientProperties, String topic,
                               ModelUpdateAction action, String version, String reason)
            throws IOException, InterruptedException {
        publish(bootstrapServers, clientProperties, topic, ModelUpdate.newBuilder().setAction(action).setVersion(version)
                .setReason(reason).setIssuedAtMillis(System.currentTimeMillis()).build());
    }

    /** Any serving decision (a canary's share and shadow flag included), checked as the job will read it. */
    public static void publish(String bootstrapServers, java.util.Map<String, ?> clientProperties, String topic,
                               ModelUpdate update) throws IOException, InterruptedException {
        if ((update.getAction() == ModelUpdateAction.PIN || update.getAction() == ModelUpdateAction.CANARY)
                && (update.getVersion() == null || update.getVersion().isBlank())) {
            throw new IllegalArgumentException(update.getAction().name().toLowerCase(java.util.Locale.ROOT)
                    + " needs the version folder");
        }
        io.nextitem.inference.Rollout.NONE.apply(update); // a share outside (0, 1] is refused here, not skipped by the job
        ByteBuffer buffer = update.toByteBuffer();
        byte[] value = new byte[buffer.remaining()];
        buffer.get(value);
        try (KafkaProducer<byte[], byte[]> producer = io.nextitem.kafka.ByteProducers.open(bootstrapServers, clientProperties)) {
            producer.send(new ProducerRecord<>(topic, KEY, value)).get();
        } catch (ExecutionException e) {
            throw new IOException("could not write to " + topic + ": " + e.getCause().getMessage(), e.getCause());
        }
    }
}
