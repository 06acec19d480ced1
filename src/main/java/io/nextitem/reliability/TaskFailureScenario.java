package io.nextitem.reliability;

import io.nextitem.avro.Recommendation;
import io.nextitem.config.JobConfig;
import io.nextitem.replay.ClickReplayer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.apache.flink.api.common.JobID;

/**
 * Scenario 1: the task manager is killed at random points of the replay (every task dies at
 * once, mid-record, mid-transaction, possibly mid-checkpoint) and replaced; the job recovers from
 * its last checkpoint each time, with its own restart strategy.
 */
final class TaskFailureScenario implements ReliabilityScenario {
    static final Duration RECOVERY_TIMEOUT = Duration.ofMinutes(3);

    @Override
    public String name() {
        return "task-failures";
    }

    @Override
    public String description() {
        return "task manager killed at random points of the replay, job recovers from checkpoints";
    }

    @Override
    public ScenarioResult run(ScenarioContext context) throws Exception {
        long started = System.nanoTime();
        JobConfig config = context.jobConfig(name(), 2);
        ReplayPlan plan = context.plan(name());
        Random random = new Random(context.seed);
        TreeSet<Integer> killPoints = new TreeSet<>();
        int records = plan.sent().size();
        while (killPoints.size() < context.scale.taskFailures()) {
            killPoints.add(records / 10 + random.nextInt(records * 8 / 10));
        }
        JobID job = context.flink.submit(config, null);
        context.flink.awaitAllRunning(job, RECOVERY_TIMEOUT);
        try (ClickReplayer producer = new ClickReplayer(config.kafka.bootstrapServers, config.kafka.clicksTopic)) {
            int from = 0;
            for (int point : killPoints) {
                context.produce(producer, plan, from, point);
                from = point;
                // Let the job get into what was just sent, so the kill lands mid-stream rather than on an idle job.
                Thread.sleep(200 + random.nextInt(1_300));
                context.log.printf("  killing the task manager after %,d of %,d records%n", point, records);
                context.flink.killTaskManager();
                context.flink.awaitAllRunning(job, RECOVERY_TIMEOUT);
            }
            context.produce(producer, plan, from, records);
        }
        int settled = context.flink.recoveries(job);
        List<Recommendation> received = context.awaitRecommendations(config, plan.valid());
        int recoveries = context.flink.recoveries(job);
        Path savepoint = context.flink.stopWithSavepoint(job, context.savepointDir(config));
        return new ScenarioResult(name(), description(), plan.valid().size(), plan.retries(), killPoints.size(),
                recoveries, DeliveryCheck.of(plan.valid(), received),
                SequenceStateCheck.of(savepoint, config.sequence, plan.valid()), context.deadLetters(config, List.of()),
                recoveries - settled, (System.nanoTime() - started) / 1e9);
    }
}
