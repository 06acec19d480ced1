package io.nextitem.tools.reliability;

import io.nextitem.tools.cluster.StandaloneCluster;
import java.time.Duration;
import java.util.List;

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
        StandaloneCluster cluster = ((StandaloneJobCluster) context.flink).cluster();
        Duration cut = context.scale.networkCut();
        context.extras.put("network_cut_seconds", cut.toSeconds());
        return HalfwayFault.run(this, context, (sent, records) -> {
            context.log.printf("  cutting the network to the broker for %d s after %,d of %,d records%n",
                    cut.toSeconds(), sent, records);
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
        });
    }
}
