package io.nextitem.cli;

import io.nextitem.items.ItemUpdateFile;
import io.nextitem.items.ItemUpdatePublisher;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `nextitem items publish FILE`: the catalogue team's side of items.topic. */
@Command(name = "items", mixinStandardHelpOptions = true,
        description = "Publish item updates (availability, blocks, category, validity window) from a JSON-lines file "
                + "to items.topic; the job leaves items out of every list as they say. The file is checked whole first: "
                + "one bad line and nothing is written.")
final class ItemsCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "publish")
    String action;

    @Parameters(index = "1", paramLabel = "FILE",
            description = "JSON lines, e.g. {\"item_id\": \"sku-1\", \"available\": false}; {\"item_id\": \"sku-1\", \"delete\": true} removes its rules.")
    Path file;

    @Mixin
    KafkaClientOptions kafka = new KafkaClientOptions();

    @Option(names = "--topic", defaultValue = "items", description = "items.topic. Default: ${DEFAULT-VALUE}.")
    String topic;

    @Override
    public Integer call() throws Exception {
        if (!"publish".equals(action)) {
            throw new IllegalArgumentException("expected publish, got '" + action + "'");
        }
        List<ItemUpdateFile.Entry> entries = ItemUpdateFile.read(file, System.currentTimeMillis());
        kafka.requireReachable();
        int written = ItemUpdatePublisher.publish(kafka.bootstrapServers(), kafka.clientProperties(), topic, entries);
        System.out.println(written + " item update(s) from " + file + " written to " + topic);
        return 0;
    }
}
