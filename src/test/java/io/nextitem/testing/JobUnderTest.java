package io.nextitem.testing;

import io.nextitem.config.JobConfig;
import io.nextitem.job.JobEnvironment;
import io.nextitem.job.NextItemJob;
import io.nextitem.tools.kafka.KafkaTopics;
import io.nextitem.tools.kafka.LocalKafkaBroker;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The real job on the test's MiniCluster against the test's broker: fresh topics and
 * transactional ids per run, 1 s checkpoints (exactly-once output becomes visible at each), and
 * no restarts, so any exception fails the job and a RUNNING job at the end proves none happened.
 */
public final class JobUnderTest {
    private JobUnderTest() {}

    /** A config for one run: its own topics, group and transactional ids, the given registry. */
    public static JobConfig configFor(LocalKafkaBroker broker, Path registry, Path checkpoints) {
        String run = UUID.randomUUID().toString().substring(0, 8);
        JobConfig config = JobConfig.isolatedRun(broker.bootstrapServers(), "itcase", run);
        config.parallelism = 2;
        config.model.registry = registry.toString();
        config.checkpoint.dir = checkpoints.toUri().toString();
        config.checkpoint.intervalMs = 1_000;
        return config.validated();
    }

    /** Creates the run's topics (clicks with 2 partitions) and starts the job asynchronously. */
    public static JobClient start(LocalKafkaBroker broker, JobConfig config) throws Exception {
        Configuration noRestarts = new Configuration();
        noRestarts.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        return start(broker, config, noRestarts);
    }

    /** As {@link #start}, but the job recovers from its last checkpoint when a task or task manager dies. */
    public static JobClient startRecoverable(LocalKafkaBroker broker, JobConfig config) throws Exception {
        Configuration restarts = new Configuration();
        restarts.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        restarts.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 10);
        restarts.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, java.time.Duration.ofMillis(500));
        return start(broker, config, restarts);
    }

    private static JobClient start(LocalKafkaBroker broker, JobConfig config, Configuration restarts) throws Exception {
        KafkaTopics.create(broker.bootstrapServers(), 2, List.of(config.kafka.clicksTopic));
        KafkaTopics.create(broker.bootstrapServers(), 1, List.of(config.kafka.recommendationsTopic, config.kafka.deadLetterTopic));
        Configuration flinkConf = JobEnvironment.flinkConfiguration(config);
        flinkConf.addAll(restarts);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flinkConf);
        env.setParallelism(config.parallelism);
        NextItemJob.build(env, config);
        return env.executeAsync("nextitem-itcase");
    }

    /** An Avro single-object decoder, e.g. {@code Recommendation::fromByteBuffer}. */
    public interface Decoder<T> {
        T decode(ByteBuffer bytes) throws IOException;
    }

    public static <T> T decode(ConsumerRecord<byte[], byte[]> record, Decoder<T> decoder) {
        return decodeValue(record.value(), decoder);
    }

    /** A record value's bytes, however they were read (our consumer, kcat). */
    public static <T> T decodeValue(byte[] value, Decoder<T> decoder) {
        try {
            return decoder.decode(ByteBuffer.wrap(value));
        } catch (IOException e) {
            throw new AssertionError("output record is not valid Avro single-object", e);
        }
    }
}
