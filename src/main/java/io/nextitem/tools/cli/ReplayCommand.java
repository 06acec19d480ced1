package io.nextitem.tools.cli;

import io.nextitem.cli.KafkaClientOptions;
import io.nextitem.tools.replay.ClickReplayer;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Produces a click log into any Kafka. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Produce a click log to a Kafka topic (Avro single-object, keyed by user, timestamp = event time).")
final class ReplayCommand implements Callable<Integer> {
    @Mixin
    ClickFileOptions clicks = new ClickFileOptions();

    @Mixin
    KafkaClientOptions kafka = new KafkaClientOptions();

    @Option(names = "--topic", defaultValue = "clicks", description = "Default: ${DEFAULT-VALUE}.")
    String topic;

    @Override
    public Integer call() throws Exception {
        // The whole file is read and checked first: a malformed line stops the replay before any record is produced.
        var events = clicks.load(null);
        kafka.requireReachable();
        try (ClickReplayer replayer = new ClickReplayer(kafka.bootstrapServers(), topic, kafka.clientProperties())) {
            replayer.replay(events, clicks.eventsPerSecond, System.err);
        }
        return 0;
    }
}
