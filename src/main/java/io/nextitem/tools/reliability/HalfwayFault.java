package io.nextitem.tools.reliability;

import io.nextitem.avro.Recommendation;
import io.nextitem.config.JobConfig;
import io.nextitem.tools.replay.ClickReplayer;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.api.common.JobID;

/**
 * The shape of the scenarios that hurt something around a running job once: start the job, send
 * the first half of the plan, let the job get busy with it, inject the fault, send the rest, wait
 * for the job to run again, then count. Recoveries after the job was seen running again are
 * restarts the fault does not explain.
 */
final class HalfwayFault {
    /** What is done to the job's surroundings once half the records are sent. */
    interface Fault {
        void inject(int sent, int records) throws Exception;
    }

    private HalfwayFault() {}

    static ScenarioResult run(ReliabilityScenario scenario, ScenarioContext context, Fault fault) throws Exception {
        long started = System.nanoTime();
        JobConfig config = context.jobConfig(scenario.name(), 2);
        ReplayPlan plan = context.plan(scenario.name());
        int records = plan.sent().size();
        JobID job = context.flink.submit(config, null);
        context.flink.awaitAllRunning(job, TaskFailureScenario.RECOVERY_TIMEOUT);
        try (ClickReplayer producer = new ClickReplayer(config.kafka.bootstrapServers, config.kafka.clicksTopic)) {
            context.produce(producer, plan, 0, records / 2);
            Thread.sleep(1_000); // the job is busy with the first half when the fault comes
            fault.inject(records / 2, records);
            context.produce(producer, plan, records / 2, records);
        }
        context.flink.awaitAllRunning(job, TaskFailureScenario.RECOVERY_TIMEOUT);
        int settled = context.flink.recoveries(job);
        List<Recommendation> received = context.awaitRecommendations(config, plan.valid());
        int recoveries = context.flink.recoveries(job);
        Path savepoint = context.flink.stopWithSavepoint(job, context.savepointDir(config));
        return new ScenarioResult(scenario.name(), scenario.description(), plan.valid().size(), plan.retries(), 1,
                recoveries, DeliveryCheck.of(plan.valid(), received),
                SequenceStateCheck.of(savepoint, config.sequence, plan.valid()), context.deadLetters(config, List.of()),
                recoveries - settled, (System.nanoTime() - started) / 1e9);
    }
}
