package io.nextitem.tools.cli;

import io.nextitem.tools.reliability.ReliabilityScale;
import io.nextitem.tools.reliability.ReliabilitySuite;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The failure-injection suite: hurt the running job, then count what came out. */
@Command(name = "reliability", mixinStandardHelpOptions = true,
        description = "Run the job on a local KRaft broker and a local Flink cluster while killing its task manager, "
                + "restarting it from savepoints at another parallelism and killing the broker; then count lost, "
                + "duplicated and misordered recommendations (read_committed) and check every user's sequence in "
                + "the final savepoint. Writes reliability.json; exits 1 if any scenario failed.")
final class ReliabilityCommand implements Callable<Integer> {
    @Option(names = "--scale", defaultValue = "full",
            description = "full (100,000 events per scenario) or ci (6,000). Default: ${DEFAULT-VALUE}.")
    String scale;

    @Option(names = "--scenarios", split = ",",
            description = "Default: all that run on the chosen cluster (bad-input, task-failures, savepoint-rescale, "
                    + "broker-restart, upgrade; on standalone also jobmanager-kill, network-cut).")
    String[] scenarios;

    @Option(names = "--task-manager-kills", paramLabel = "N",
            description = "Kills in the task-failures scenario instead of the scale's (ci 3, full 5).")
    Integer taskManagerKills;

    @Option(names = "--registry", description = "Model registry to serve (its newest version). Default: the shipped demo model.")
    Path registry;

    @Option(names = "--delivery-guarantee", defaultValue = "exactly-once",
            description = "exactly-once, or at-least-once as a control (the same failures then double output). "
                    + "Default: ${DEFAULT-VALUE}.")
    String deliveryGuarantee;

    @Option(names = "--cluster", defaultValue = "minicluster",
            description = "minicluster (a Flink cluster in this JVM) or standalone (separate JobManager and TaskManager "
                    + "JVMs as deploy/bin/cluster starts them, the job jar submitted over REST, TaskManagers killed with "
                    + "SIGKILL). Default: ${DEFAULT-VALUE}.")
    String cluster;

    @Option(names = "--out", defaultValue = "src/site/results/reliability/reliability.json", description = "Default: ${DEFAULT-VALUE}.")
    Path out;

    @Option(names = "--seed", defaultValue = "42")
    long seed;

    @Option(names = "--write-upgrade-fixture", paramLabel = "DIR",
            description = "Instead of the scenarios: run this commit's job on 1,000 clicks and keep its savepoint, "
                    + "the clicks and the job's names in DIR (e.g. " + "src/test/resources/nextitem/upgrade-savepoints/"
                    + "<date>-<commit>), for the upgrade scenario of later commits.")
    Path writeUpgradeFixture;

    @Option(names = "--print-table", paramLabel = "RESULT_FILE",
            description = "Instead of running: print the docs' markdown table of a reliability.json.")
    Path printTable;

    @Override
    public Integer call() throws Exception {
        if (printTable != null) {
            System.out.print(io.nextitem.tools.reliability.ReliabilityTable.markdown(printTable));
            return 0;
        }
        if (writeUpgradeFixture != null) {
            ReliabilitySuite.writeUpgradeFixture(registry, writeUpgradeFixture, seed, System.out);
            return 0;
        }
        Set<String> chosen = chosenScenarios();
        if (!ReliabilitySuite.scenarioNames().containsAll(chosen)) {
            throw new IllegalArgumentException("--scenarios: expected any of " + ReliabilitySuite.scenarioNames()
                    + ", got " + chosen);
        }
        ReliabilityScale chosenScale = ReliabilityScale.named(scale);
        if (taskManagerKills != null) {
            chosenScale = chosenScale.withTaskFailures(taskManagerKills);
        }
        Map<String, Object> result = ReliabilitySuite.run(chosenScale, chosen, registry, deliveryGuarantee, cluster, out,
                seed,
                System.out);
        return Boolean.TRUE.equals(result.get("passed")) ? 0 : 1;
    }

    /** --scenarios, or every scenario (those a cluster cannot run are skipped by the suite). */
    Set<String> chosenScenarios() {
        return scenarios == null ? ReliabilitySuite.scenarioNames() : new LinkedHashSet<>(Arrays.asList(scenarios));
    }
}
