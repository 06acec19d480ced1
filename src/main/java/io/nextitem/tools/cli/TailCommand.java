package io.nextitem.tools.cli;

import io.nextitem.cli.KafkaClientOptions;
import io.nextitem.avro.Recommendation;
import io.nextitem.tools.replay.RecommendationReader;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Prints recommendations as JSON lines, read_committed. */
@Command(name = "tail", mixinStandardHelpOptions = true,
        description = "Print recommendations from a Kafka topic as JSON lines (read_committed).")
final class TailCommand implements Callable<Integer> {
    @Mixin
    KafkaClientOptions kafka = new KafkaClientOptions();

    @Option(names = "--topic", defaultValue = "recommendations", description = "Default: ${DEFAULT-VALUE}.")
    String topic;

    @Option(names = "--from-beginning", description = "Start at the earliest offset instead of new records only.")
    boolean fromBeginning;

    @Option(names = "--max", description = "Stop after N recommendations.")
    Long max;

    @Override
    public Integer call() throws Exception {
        long printed = 0;
        kafka.requireReachable();
        try (RecommendationReader reader = new RecommendationReader(kafka.bootstrapServers(), topic, fromBeginning, true,
                kafka.clientProperties())) {
            while (max == null || printed < max) {
                for (Recommendation r : reader.poll(Duration.ofMillis(500))) {
                    // Avro's toString is JSON: one record per line.
                    System.out.println(r);
                    if (max != null && ++printed >= max) {
                        break;
                    }
                }
            }
        }
        return 0;
    }
}
