package io.nextitem.reliability;

import io.nextitem.avro.Recommendation;
import io.nextitem.config.JobConfig;
import io.nextitem.replay.ClickReplayer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.JobID;

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
        long started = System.nanoTime();
        JobConfig config = context.jobConfig(name(), 2);
        ReplayPlan plan = context.plan(name());
        int records = plan.sent().size();
        JobID job = context.flink.submit(config, null);
        context.flink.awaitAllRunning(job, TaskFailureScenario.RECOVERY_TIMEOUT);
        try (ClickReplayer producer = new ClickReplayer(config.kafka.bootstrapServers, config.kafka.clicksTopic)) {
            context.produce(producer, plan, 0, records / 2);
            Thread.sleep(1_000); // the job is busy with the first half when the broker goes
            Duration downtime = context.scale.brokerDowntime();
            context.log.printf("  killing the broker after %,d of %,d records, %d s down%n", records / 2, records,
                    downtime.toSeconds());
            context.broker.restart(downtime);
            context.produce(producer, plan, records / 2, records);
        }
        context.flink.awaitAllRunning(job, TaskFailureScenario.RECOVERY_TIMEOUT);
        int settled = context.flink.recoveries(job);
        List<Recommendation> received = context.awaitRecommendations(config, plan.valid());
        int recoveries = context.flink.recoveries(job);
        Path savepoint = context.flink.stopWithSavepoint(job, context.savepointDir(config));
        return new ScenarioResult(name(), description(), plan.valid().size(), plan.retries(), 1, recoveries,
                DeliveryCheck.of(plan.valid(), received), SequenceStateCheck.of(savepoint, config.sequence, plan.valid()),
                context.deadLetters(config, List.of()), recoveries - settled, (System.nanoTime() - started) / 1e9);
    }
}
