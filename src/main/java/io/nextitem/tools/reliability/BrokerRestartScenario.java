package io.nextitem.tools.reliability;

import java.time.Duration;

/**
 * Scenario 3: the broker process is killed (SIGKILL: open transactions, fetches and offset
 * commits cut off) in the middle of the replay and started again on the same port and data a few
 * seconds later. Kafka's clients retry through a short outage, so the job may ride it out without
 * a restart; a longer one fails it (its checkpoints cannot commit) and it recovers by itself once
 * the broker is back. Either way nothing may be lost or doubled.
 */
final class BrokerRestartScenario implements ReliabilityScenario {
    @Override
    public String name() {
        return "broker-restart";
    }

    @Override
    public String fault(JobCluster cluster) {
        return "broker-kill";
    }

    @Override
    public String description() {
        return "Kafka broker killed mid-stream (SIGKILL) and restarted on the same data after a while";
    }

    @Override
    public ScenarioResult run(ScenarioContext context) throws Exception {
        return HalfwayFault.run(this, context, (sent, records) -> {
            Duration downtime = context.scale.brokerDowntime();
            context.log.printf("  killing the broker after %,d of %,d records, %d s down%n", sent, records,
                    downtime.toSeconds());
            context.broker.restart(downtime);
        });
    }
}
