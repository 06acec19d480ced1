package io.nextitem.tools.reliability;

import io.nextitem.avro.Recommendation;
import io.nextitem.tools.cluster.StandaloneCluster;
import io.nextitem.config.JobConfig;
import io.nextitem.tools.replay.ClickReplayer;
import io.nextitem.tools.replay.RecommendationReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;

/**
 * The JobManager process is killed (SIGKILL) mid-stream on a standalone cluster without high
 * availability, and recovered the way the runbook says: start the JobManager again, then submit
 * the job from its newest retained checkpoint (checkpoints are retained on cancellation and
 * survive a dead JobManager). The TaskManagers stay up throughout and register again.
 */
final class JobManagerKillScenario implements ReliabilityScenario {
    @Override
    public String name() {
        return "jobmanager-kill";
    }

    @Override
    public String fault(JobCluster cluster) {
        return "jobmanager-kill";
    }

    @Override
    public String description() {
        return "JobManager killed mid-stream (SIGKILL), restarted, job resubmitted from its newest retained checkpoint";
    }

    @Override
    public boolean runsOn(JobCluster cluster) {
        return cluster instanceof StandaloneJobCluster;
    }

    @Override
    public ScenarioResult run(ScenarioContext context) throws Exception {
        long started = System.nanoTime();
        StandaloneJobCluster standalone = (StandaloneJobCluster) context.flink;
        JobConfig config = context.jobConfig(name(), 2);
        ReplayPlan plan = context.plan(name());
        int records = plan.sent().size();
        JobID first = context.flink.submit(config, null);
        context.flink.awaitAllRunning(first, TaskFailureScenario.RECOVERY_TIMEOUT);
        JobID second;
        try (ClickReplayer producer = new ClickReplayer(config.kafka.bootstrapServers, config.kafka.clicksTopic);
             RecommendationReader answers = new RecommendationReader(config.kafka.bootstrapServers,
                     config.kafka.recommendationsTopic, true, false)) {
            context.produce(producer, plan, 0, records / 2);
            awaitSomeCheckpoint(config, first);
            StandaloneCluster cluster = standalone.cluster();
            long pid = cluster.process(StandaloneCluster.JOB_MANAGER).orElseThrow().pid();
            cluster.kill(StandaloneCluster.JOB_MANAGER);
            long killed = System.nanoTime();
            context.log.printf("  SIGKILL to the JobManager (pid %d) after %,d of %,d records%n", pid, records / 2, records);
            standalone.restartJobManager();
            Path checkpoint = newestCheckpoint(config, first).orElseThrow(() -> new IllegalStateException(
                    "no retained checkpoint of job " + first + " under " + config.checkpoint.dir));
            context.log.printf("  JobManager back; resubmitting from %s%n", checkpoint);
            second = context.flink.submit(config, checkpoint);
            context.flink.awaitAllRunning(second, TaskFailureScenario.RECOVERY_TIMEOUT);
            context.extras.put("recovery_seconds", Math.round((System.nanoTime() - killed) / 1e8) / 10.0);
            context.produce(producer, plan, records / 2, records);
        }
        List<Recommendation> received = context.awaitRecommendations(config, plan.valid());
        int recoveries = context.flink.recoveries(second);
        Path savepoint = context.flink.stopWithSavepoint(second, context.savepointDir(config));
        return new ScenarioResult(name(), description(), plan.valid().size(), plan.retries(), 1, recoveries,
                DeliveryCheck.of(plan.valid(), received), SequenceStateCheck.of(savepoint, config.sequence, plan.valid()),
                context.deadLetters(config, List.of()), recoveries, (System.nanoTime() - started) / 1e9);
    }

    /** Waits until the job has completed a checkpoint after some of the first half was sent. */
    private static void awaitSomeCheckpoint(JobConfig config, JobID job) throws Exception {
        long deadline = System.nanoTime() + TaskFailureScenario.RECOVERY_TIMEOUT.toNanos();
        Optional<Path> before = newestCheckpoint(config, job);
        while (System.nanoTime() < deadline) {
            Optional<Path> now = newestCheckpoint(config, job);
            if (now.isPresent() && !now.equals(before)) {
                return;
            }
            Thread.sleep(200);   // checkpoints complete on the JobManager's schedule; polled on disk
        }
        throw new IllegalStateException("job " + job + " completed no checkpoint within " + TaskFailureScenario.RECOVERY_TIMEOUT);
    }

    /** The newest complete checkpoint of the job: {@code <checkpoint.dir>/<job id>/chk-N} with its _metadata. */
    static Optional<Path> newestCheckpoint(JobConfig config, JobID job) throws IOException {
        Path jobDir = Path.of(java.net.URI.create(config.checkpoint.dir)).resolve(job.toHexString());
        if (!Files.isDirectory(jobDir)) {
            return Optional.empty();
        }
        try (Stream<Path> dirs = Files.list(jobDir)) {
            return dirs.filter(d -> d.getFileName().toString().startsWith("chk-"))
                    .filter(d -> Files.isRegularFile(d.resolve("_metadata")))
                    .max(Comparator.comparingLong(d -> Long.parseLong(d.getFileName().toString().substring(4))));
        }
    }
}
