package io.nextitem.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.nextitem.ann.HnswParameters;
import io.nextitem.ann.VersionIndexer;
import io.nextitem.config.JobConfig;
import io.nextitem.config.ModelSettings;
import io.nextitem.testing.BrokerAndFlinkITCase;
import io.nextitem.testing.JobUnderTest;
import io.nextitem.testing.RetrievalFormFixture;
import io.nextitem.testing.TestModels;
import io.nextitem.testing.VersionFixtures;
import io.nextitem.tools.kafka.KafkaTopics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.Test;

/**
 * model.search: approximate on a real job (MiniCluster, Kafka broker): a starting version whose
 * ann/ index file is damaged fails the job once, with the reason, and does not restart.
 */
class ApproximateSearchITCase extends BrokerAndFlinkITCase {
    @Test
    void aStartingVersionWithACorruptIndexFailsOnceWithTheReason() throws Exception {
        Path registry = Files.createDirectories(tmp.resolve("registry"));
        Path version = VersionFixtures.publish(TestModels.versionIn(TestModels.ROOT.resolve("sasrec")), registry,
                "sasrec-ann", "2026-01-01T00:00:00Z", staged -> {
                    try {
                        RetrievalFormFixture.addTo(staged, 8, 1);
                        VersionIndexer.index(staged, new HnswParameters(8, 40, false), line -> { });
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
        Path graphFile;
        try (Stream<Path> files = Files.list(version.resolve("ann/lucene"))) {
            graphFile = files.filter(f -> f.toString().endsWith(".vex")).findFirst().orElseThrow();
        }
        VersionFixtures.rewrite(version, version.relativize(graphFile).toString(), VersionFixtures::flipLastByte, false);

        JobConfig config = JobUnderTest.configFor(broker, registry, tmp.resolve("checkpoints"));
        config.model.search = ModelSettings.SEARCH_APPROXIMATE;
        KafkaTopics.create(broker.bootstrapServers(), 2, List.of(config.kafka.clicksTopic));
        KafkaTopics.create(broker.bootstrapServers(), 1, List.of(config.kafka.recommendationsTopic, config.kafka.deadLetterTopic));
        Configuration flinkConf = JobEnvironment.flinkConfiguration(config);
        flinkConf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        flinkConf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 1_000);
        flinkConf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flinkConf);
        env.setParallelism(config.parallelism);
        NextItemJob.build(env, config);
        JobClient job = env.executeAsync("corrupt-ann-index");

        // 1,000 restarts 200 ms apart would take minutes: ending within 60 s means none happened.
        Throwable failure = null;
        try {
            job.getJobExecutionResult().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            failure = e;
        }
        assertThat(failure).as("the job must fail").isNotNull();
        assertThat(ExceptionUtils.findThrowable(failure, SuppressRestartsException.class)).as("restarts suppressed").isPresent();
        assertThat(ExceptionUtils.stringifyException(failure)).contains("no model version to serve")
                .contains(graphFile.getFileName().toString()).contains("sha256");
    }
}
