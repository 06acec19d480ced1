package io.nextitem.tools.reliability;

import io.nextitem.avro.ClickEvent;
import io.nextitem.avro.Recommendation;
import io.nextitem.config.JobConfig;
import io.nextitem.tools.replay.ClickReplayer;
import io.nextitem.tools.replay.RecommendationReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
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
    public String fault(JobCluster cluster) {
        return cluster.taskManagerFault();
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
        try (ClickReplayer producer = new ClickReplayer(config.kafka.bootstrapServers, config.kafka.clicksTopic);
             // read_uncommitted: exactly-once answers are visible here as they are written, before their commit
             RecommendationReader answers = new RecommendationReader(config.kafka.bootstrapServers,
                     config.kafka.recommendationsTopic, true, false)) {
            int from = 0;
            List<Double> recoverySeconds = new java.util.ArrayList<>();
            context.extras.put("recovery_seconds_per_kill", recoverySeconds);
            for (int point : killPoints) {
                context.produce(producer, plan, from, point);
                // A fixed sleep is not enough: on a loaded machine a recovered job can still be
                // loading its model when it ends, and a kill then finds nothing in flight. Wait
                // until the job answers this segment, so the kill lands mid-stream.
                awaitFirstAnswer(answers, plan.sent().subList(from, point));
                from = point;
                Thread.sleep(random.nextInt(150));
                context.log.printf("  killing the task manager after %,d of %,d records%n", point, records);
                long killed = System.nanoTime();
                context.flink.killTaskManager();
                context.flink.awaitAllRunning(job, RECOVERY_TIMEOUT);
                recoverySeconds.add(Math.round((System.nanoTime() - killed) / 1e8) / 10.0);
                context.log.printf("  recovered in %.1f s%n", recoverySeconds.get(recoverySeconds.size() - 1));
            }
            context.produce(producer, plan, from, records);
        }
        // Every kill started a fresh TaskManager: none may have written ONNX Runtime's library again.
        context.extras.put("onnxruntime_library_copies_written", OnnxRuntimeCopies.writtenSince(started));
        int settled = context.flink.recoveries(job);
        List<Recommendation> received = context.awaitRecommendations(config, plan.valid());
        int recoveries = context.flink.recoveries(job);
        Path savepoint = context.flink.stopWithSavepoint(job, context.savepointDir(config));
        return new ScenarioResult(name(), description(), plan.valid().size(), plan.retries(), killPoints.size(),
                recoveries, DeliveryCheck.of(plan.valid(), received),
                SequenceStateCheck.of(savepoint, config.sequence, plan.valid()), context.deadLetters(config, List.of()),
                recoveries - settled, (System.nanoTime() - started) / 1e9);
    }

    /** Returns once any click of {@code segment} has an answer on the topic (committed or not). */
    private static void awaitFirstAnswer(RecommendationReader answers, List<ClickEvent> segment) throws Exception {
        Set<String> segmentIds = new HashSet<>();
        segment.forEach(c -> segmentIds.add(c.getEventId()));
        long deadline = System.nanoTime() + RECOVERY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            for (Recommendation r : answers.poll(Duration.ofMillis(50))) {
                if (segmentIds.contains(r.getTriggerEventId())) {
                    return;
                }
            }
        }
        throw new IllegalStateException("no click of the last " + segment.size() + " sent was answered within "
                + RECOVERY_TIMEOUT + ": the job is not processing");
    }
}
