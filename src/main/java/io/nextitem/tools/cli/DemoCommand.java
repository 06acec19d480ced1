package io.nextitem.tools.cli;

import io.nextitem.tools.demo.DemoRunner;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The embedded default: broker, job, dashboard, replay, live prequential HR@10. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Start a local Kafka broker and Flink cluster, replay clicks (the shipped synthetic log "
                + "unless --events is given) and print recommendations with a running prequential HR@10.")
final class DemoCommand implements Callable<Integer> {
    @Mixin
    ClickFileOptions clicks = new ClickFileOptions();

    @Option(names = "--dashboard-port", defaultValue = "8081", description = "Default: ${DEFAULT-VALUE}.")
    int dashboardPort;

    @Option(names = "--prometheus-port", defaultValue = "9249",
            description = "Prometheus endpoint of the local cluster (/metrics); 0 = none. Default: ${DEFAULT-VALUE}.")
    int prometheusPort;

    @Option(names = "--print-every", defaultValue = "1000", description = "Print every Nth recommendation. Default: ${DEFAULT-VALUE}.")
    int printEvery;

    @Option(names = "--registry", description = "Serve this model registry (watched: new versions swap in) "
            + "instead of the shipped demo model.")
    Path registry;

    @Option(names = "--snapshots", description = "Write fine-tuning snapshots here (a local folder), for "
            + "`trainer finetune --watch` to learn from while the replay runs.")
    Path snapshots;

    @Option(names = "--snapshot-interval-minutes", defaultValue = "1440",
            description = "Event-time length of one snapshot. Default: ${DEFAULT-VALUE}.")
    long snapshotIntervalMinutes;

    @Option(names = "--result", description = "Write the prequential figures, overall and per model version, as JSON.")
    Path result;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "A job setting (docs/configuration.md) over the demo's own, e.g. canary.auto=true with "
                    + "model.updates-topic=model-updates; repeat it. Topics it names are created on the local broker.")
    java.util.List<String> settings = new java.util.ArrayList<>();

    @Override
    public Integer call() throws Exception {
        // A misspelt --set fails here, before the broker and the cluster start.
        io.nextitem.config.JobConfigLoader.override(new io.nextitem.config.JobConfig(), settings, "demo --set");
        var events = clicks.load(DemoRunner.DEMO_CLICKS_RESOURCE);
        System.out.printf("Replaying %,d clicks%n", events.size());
        var options = new DemoRunner.Options(registry, snapshots, snapshotIntervalMinutes, result,
                clicks.describe(), java.util.List.copyOf(settings));
        new DemoRunner(System.out, dashboardPort, prometheusPort, Math.max(1, printEvery)).run(events, clicks.eventsPerSecond, options);
        return 0;
    }
}
