package io.nextitem.tools.reliability;

import io.nextitem.avro.ClickEvent;
import io.nextitem.avro.Recommendation;
import io.nextitem.config.JobConfig;
import io.nextitem.tools.replay.ClickReplayer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobID;

/**
 * Scenario 2: the replay in three parts, with a stop-with-savepoint after each of the first two
 * and a restart from it at another parallelism (1, then 2, then 1): keyed state is redistributed
 * over key groups and the Kafka sink's transactional ids change owners, twice.
 */
final class SavepointRescaleScenario implements ReliabilityScenario {

    @Override
    public String name() {
        return "savepoint-rescale";
    }

    @Override
    public String fault(JobCluster cluster) {
        return "rescale";
    }

    @Override
    public String description() {
        return "stop with savepoint and restart from it at another parallelism (1 -> 2 -> 1 on the one-JVM cluster, "
                + "2 -> 4 -> 2 across both task managers of the standalone one)";
    }

    @Override
    public ScenarioResult run(ScenarioContext context) throws Exception {
        long started = System.nanoTime();
        int[] parallelisms = context.flink.rescaleParallelisms();
        JobConfig config = context.jobConfig(name(), parallelisms[0]);
        ReplayPlan plan = context.plan(name());
        int records = plan.sent().size();
        Path savepoint = null;
        int recoveries = 0;
        List<Recommendation> received = List.of();
        try (ClickReplayer producer = new ClickReplayer(config.kafka.bootstrapServers, config.kafka.clicksTopic)) {
            for (int part = 0; part < parallelisms.length; part++) {
                config.parallelism = parallelisms[part];
                JobID job = context.flink.submit(config, savepoint);
                context.flink.awaitAllRunning(job, TaskFailureScenario.RECOVERY_TIMEOUT);
                int from = records * part / parallelisms.length;
                int to = records * (part + 1) / parallelisms.length;
                context.produce(producer, plan, from, to);
                // Everything so far must be answered before the savepoint: the next job starts from it.
                received = context.awaitRecommendations(config, distinct(plan.sent().subList(0, to)));
                recoveries += context.flink.recoveries(job);
                savepoint = context.flink.stopWithSavepoint(job, context.savepointDir(config));
                context.log.printf("  part %d at parallelism %d: %,d records, savepoint taken%n", part + 1,
                        parallelisms[part], to - from);
            }
        }
        return new ScenarioResult(name(), description(), plan.valid().size(), plan.retries(), parallelisms.length - 1,
                recoveries, DeliveryCheck.of(plan.valid(), received),
                SequenceStateCheck.of(savepoint, config.sequence, plan.valid()), context.deadLetters(config, List.of()),
                recoveries, (System.nanoTime() - started) / 1e9);
    }

    private static List<ClickEvent> distinct(List<ClickEvent> sent) {
        Map<String, ClickEvent> byId = new LinkedHashMap<>();
        sent.forEach(c -> byId.putIfAbsent(c.getEventId(), c));
        return List.copyOf(byId.values());
    }
}
