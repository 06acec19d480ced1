package io.nextitem.testing;

import io.nextitem.avro.ClickEvent;
import io.nextitem.tools.replay.ClickReplayer;
import java.util.ArrayList;
import java.util.List;

/**
 * Traffic that makes every metric the dashboard shows move: valid clicks of the demo model's
 * items, every kind of malformed record, and each user once more an hour of event time later so
 * the watermark closes a snapshot interval.
 */
public final class MetricsTraffic {
    private MetricsTraffic() {}

    /**
     * Turns on what the dashboard has panels for (micro-batches, live quality, snapshots, the
     * items stage; the canary metrics exist in every job) and
     * creates the run's topics.
     */
    public static void configureEveryMetric(io.nextitem.config.JobConfig config, String bootstrapServers,
                                            java.nio.file.Path snapshots) throws Exception {
        config.model.batchMaxSize = 16;
        config.kafka.liveQualityTopic = config.kafka.recommendationsTopic + "-live";
        config.snapshots.dir = java.nio.file.Files.createDirectories(snapshots).toUri().toString();
        config.snapshots.intervalMinutes = 15;
        config.items.topic = config.kafka.recommendationsTopic + "-items"; // the items stage (empty: serves at once)
        io.nextitem.tools.kafka.KafkaTopics.create(bootstrapServers, 1, List.of(config.items.topic));
        io.nextitem.tools.kafka.KafkaTopics.create(bootstrapServers, 2, List.of(config.kafka.clicksTopic));
        io.nextitem.tools.kafka.KafkaTopics.create(bootstrapServers, 1, List.of(config.kafka.recommendationsTopic,
                config.kafka.deadLetterTopic, config.kafka.liveQualityTopic));
        config.validated(); // the settings derived from the ones above (the items stage's deeper lists)
    }

    /** Sends the traffic; returns the valid clicks sent. */
    public static List<ClickEvent> send(String bootstrapServers, String topic, int users, int clicks)
            throws java.io.IOException {
        List<ClickEvent> sent = new ArrayList<>();
        List<String> items = DemoModel.itemIds();
        for (int i = 0; i < clicks; i++) {
            sent.add(Clicks.click("user-" + (i % users), items.get(i % items.size()), Clicks.T0 + i * 10_000L));
        }
        for (int u = 0; u < users; u++) {
            sent.add(Clicks.click("user-" + u, items.get(u), Clicks.T0 + 3_600_000L + clicks * 10_000L + u));
        }
        try (ClickReplayer producer = new ClickReplayer(bootstrapServers, topic)) {
            for (ClickEvent click : sent) {
                producer.send(click);
            }
            for (MalformedClicks.Case bad : MalformedClicks.all()) {
                producer.sendRaw(null, bad.bytes(), Clicks.T0);
            }
            producer.flush();
        }
        return sent;
    }
}
