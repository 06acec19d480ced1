package io.nextitem.reliability;

import io.nextitem.avro.Recommendation;
import io.nextitem.cluster.StandaloneCluster;
import io.nextitem.config.JobConfig;
import io.nextitem.replay.ClickReplayer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.JobID;

/**
 * The broker becomes unreachable mid-stream while every process stays up: the proxy the broker
 * advertises as its address drops all traffic (connections open, nothing passes) for the scale's
 * cut, then lets it through again. The job's Kafka clients time out and the job recovers from its
 * checkpoints once the network is back; nothing may be lost or doubled.
 */
final class NetworkCutScenario implements ReliabilityScenario {
    @Override
    public String name() {
        return "network-cut";
    }

    @Override
    public String fault(JobCluster cluster) {
        return "network-cut";
    }

    @Override
    public String description() {
        return "the broker unreachable mid-stream (a proxy drops all traffic) while every process stays up";
    }

    @Override
    public boolean runsOn(JobCluster cluster) {
        return cluster instanceof StandaloneJobCluster;
    }

    @Override
    public ScenarioResult run(ScenarioContext context) throws Exception {
        if (context.proxy == null) {
            throw new IllegalStateException("network-cut needs the broker behind the suite's proxy");
        }
        long started = System.nanoTime();
        StandaloneCluster cluster = ((StandaloneJobCluster) context.flink).cluster();
        JobConfig config = context.jobConfig(name(), 2);
        ReplayPlan plan = context.plan(name());
        int records = plan.sent().size();
        JobID job = context.flink.submit(config, null);
        context.flink.awaitAllRunning(job, TaskFailureScenario.RECOVERY_TIMEOUT);
        Duration cut = context.scale.networkCut();
        try (ClickReplayer producer = new ClickReplayer(config.kafka.bootstrapServers, config.kafka.clicksTopic)) {
            context.produce(producer, plan, 0, records / 2);
            Thread.sleep(1_000);   // the job is busy with the first half when the network goes
            context.log.printf("  cutting the network to the broker for %d s after %,d of %,d records%n",
                    cut.toSeconds(), records / 2, records);
            context.proxy.cut();
            try {
                Thread.sleep(cut.toMillis());
                List<String> down = cluster.status().entrySet().stream().filter(e -> !e.getValue())
                        .map(java.util.Map.Entry::getKey).toList();
                if (!down.isEmpty()) {
                    throw new IllegalStateException("processes died during the network cut: " + down);
                }
            } finally {
                context.proxy.heal();
            }
            context.produce(producer, plan, records / 2, records);
        }
        context.flink.awaitAllRunning(job, TaskFailureScenario.RECOVERY_TIMEOUT);
        int settled = context.flink.recoveries(job);
        List<Recommendation> received = context.awaitRecommendations(config, plan.valid());
        int recoveries = context.flink.recoveries(job);
        Path savepoint = context.flink.stopWithSavepoint(job, context.savepointDir(config));
        context.extras.put("network_cut_seconds", cut.toSeconds());
        return new ScenarioResult(name(), description(), plan.valid().size(), plan.retries(), 1, recoveries,
                DeliveryCheck.of(plan.valid(), received), SequenceStateCheck.of(savepoint, config.sequence, plan.valid()),
                context.deadLetters(config, List.of()), recoveries - settled, (System.nanoTime() - started) / 1e9);
    }
}
