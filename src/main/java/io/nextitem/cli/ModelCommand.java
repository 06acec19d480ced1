package io.nextitem.cli;

import io.nextitem.avro.ModelUpdate;
import io.nextitem.avro.ModelUpdateAction;
import io.nextitem.model.ModelUpdateHistory;
import io.nextitem.model.ModelUpdatePublisher;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `nextitem model pin VERSION` / `unpin` / `canary` / `promote` / `abort` / `history`: the operator's side of model.updates-topic. */
@Command(name = "model", mixinStandardHelpOptions = true,
        description = "Serving decisions on model.updates-topic: pin the version every recommend subtask serves (a "
                + "rollback is a pin of an earlier version) or unpin to return to model.version; canary a candidate "
                + "for a share of users (--share, --shadow), then promote it (it serves everyone, as a pin) or abort "
                + "it. A named version is checked like any other before it serves. history lists every decision on the "
                + "topic, oldest first, with who made it and why (the canary judge's figures).")
final class ModelCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "pin, unpin, canary, promote, abort or history")
    String action;

    @Parameters(index = "1", arity = "0..1",
            description = "The version folder to pin or canary; for promote and abort, the candidate (default: the one on trial).")
    String version;

    @Mixin
    KafkaClientOptions kafka = new KafkaClientOptions();

    @Option(names = "--topic", defaultValue = "model-updates", description = "model.updates-topic. Default: ${DEFAULT-VALUE}.")
    String topic;

    @Option(names = "--reason", description = "Why, for the job's log.")
    String reason;

    @Option(names = "--share", defaultValue = "0.1", description = "canary: the share of users in the candidate's arm, (0, 1]. Default: ${DEFAULT-VALUE}.")
    double share;

    @Option(names = "--shadow", description = "canary: score the candidate beside the serving version and judge it, emitting only the serving lists.")
    boolean shadow;

    @Override
    public Integer call() throws Exception {
        if ("history".equals(action)) {
            return history();
        }
        ModelUpdateAction command = switch (action) {
            case "pin" -> ModelUpdateAction.PIN;
            case "unpin" -> ModelUpdateAction.UNPIN;
            case "canary" -> ModelUpdateAction.CANARY;
            case "promote" -> ModelUpdateAction.PROMOTE;
            case "abort" -> ModelUpdateAction.ABORT;
            default -> throw new IllegalArgumentException("expected pin, unpin, canary, promote, abort or history, got '"
                    + action + "'");
        };
        ModelUpdate update = ModelUpdate.newBuilder().setAction(command).setVersion(version).setReason(reason)
                .setIssuedAtMillis(System.currentTimeMillis()).setIssuedBy("operator")
                .setShare(command == ModelUpdateAction.CANARY ? share : null)
                .setShadow(command == ModelUpdateAction.CANARY && shadow).build();
        kafka.requireReachable();
        ModelUpdatePublisher.publish(kafka.bootstrapServers(), kafka.clientProperties(), topic, update);
        System.out.println(command + (version == null ? "" : " " + version) + " written to " + topic);
        return 0;
    }

    private int history() throws java.io.IOException {
        kafka.requireReachable();
        ModelUpdateHistory.History history = ModelUpdateHistory.read(kafka.bootstrapServers(), kafka.clientProperties(), topic);
        for (ModelUpdate update : history.updates()) {
            Map<String, Object> d = ModelUpdateHistory.describe(update);
            System.out.println(d.get("issued_at") + "  " + d.get("action") + (update.getVersion() == null ? "" : " " + update.getVersion())
                    + (update.getShare() == null ? "" : " share " + update.getShare() + (update.getShadow() ? " shadow" : ""))
                    + "  by " + d.get("issued_by") + (update.getReason() == null ? "" : ": " + update.getReason()));
        }
        System.out.println(history.updates().size() + " decisions on " + topic
                + (history.skipped() > 0 ? ", " + history.skipped() + " records that are not decisions skipped" : ""));
        return 0;
    }
}
