package io.nextitem.cli;

import io.nextitem.avro.ModelUpdateAction;
import io.nextitem.model.ModelUpdatePublisher;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `nextitem model pin VERSION` / `nextitem model unpin`: the operator's side of model.updates-topic. */
@Command(name = "model", mixinStandardHelpOptions = true,
        description = "Pin the version every recommend subtask serves (a rollback is a pin of an earlier version), "
                + "or unpin to return to model.version; written to model.updates-topic. A pinned version is checked "
                + "like any other before it serves.")
final class ModelCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "pin or unpin")
    String action;

    @Parameters(index = "1", arity = "0..1", description = "The version folder to pin.")
    String version;

    @Mixin
    KafkaClientOptions kafka = new KafkaClientOptions();

    @Option(names = "--topic", defaultValue = "model-updates", description = "model.updates-topic. Default: ${DEFAULT-VALUE}.")
    String topic;

    @Option(names = "--reason", description = "Why, for the job's log.")
    String reason;

    @Override
    public Integer call() throws Exception {
        ModelUpdateAction command = switch (action) {
            case "pin" -> ModelUpdateAction.PIN;
            case "unpin" -> ModelUpdateAction.UNPIN;
            default -> throw new IllegalArgumentException("expected pin or unpin, got '" + action + "'");
        };
        kafka.requireReachable();
        ModelUpdatePublisher.publish(kafka.bootstrapServers(), kafka.clientProperties(), topic, command, version, reason);
        System.out.println(command + (version == null ? "" : " " + version) + " written to " + topic);
        return 0;
    }
}
