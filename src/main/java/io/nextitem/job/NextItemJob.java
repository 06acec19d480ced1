package io.nextitem.job;

import io.nextitem.config.JobConfig;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import io.nextitem.io.RawRecord;
import java.time.Duration;

/** The production job: Kafka clicks in, recommendations and dead letters out, exactly once. */
public final class NextItemJob {
    public static final String JOB_NAME = "nextitem";

    private NextItemJob() {}

    /** Adds the whole loop to the environment; the caller executes it. */
    public static void build(StreamExecutionEnvironment env, JobConfig config) {
        // Watermarks come from the Kafka record timestamp, which producers set to the event time
        // (replay does); per-partition watermarking keeps one slow partition from stalling others.
        WatermarkStrategy<RawRecord> watermarks = WatermarkStrategy
                .<RawRecord>forBoundedOutOfOrderness(Duration.ofMillis(config.watermarks.maxOutOfOrdernessMs))
                .withIdleness(Duration.ofMillis(config.watermarks.idlenessMs));
        DataStream<RawRecord> raw = env
                .fromSource(KafkaConnectors.clicksSource(config.kafka), watermarks, "clicks-source")
                .uid("clicks-source");
        // items.topic is a table: read from its start, without watermarks (nothing after the
        // items stage works in event time).
        DataStream<RawRecord> itemUpdates = config.items.enabled()
                ? env.fromSource(KafkaConnectors.itemsSource(config.kafka, config.items.topic),
                        WatermarkStrategy.noWatermarks(), "items-source").uid("items-source").setParallelism(1)
                : null;
        NextItemPipeline.wire(raw, itemUpdates, KafkaConnectors.recommendationsSink(config.kafka),
                KafkaConnectors.deadLetterSink(config.kafka),
                config.kafka.liveQualityTopic.isEmpty() ? null : KafkaConnectors.liveQualitySink(config.kafka),
                config.canary.auto ? KafkaConnectors.modelUpdatesSink(config.kafka, config.model.updatesTopic) : null, config);
    }
}
