package io.nextitem.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.nextitem.config.JobConfig;
import io.nextitem.tools.kafka.KafkaTopics;
import io.nextitem.testing.BrokerAndFlinkITCase;
import io.nextitem.testing.JobUnderTest;
import io.nextitem.testing.MisfitVersions;
import io.nextitem.testing.TestModels;
import io.nextitem.testing.VersionFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A job whose registry holds nothing servable fails once, with the reason, and does not restart,
 * though its restart strategy would retry a thousand times: a broken model file is not mended by
 * restarting, and a restart loop would hide the reason behind "recovering".
 */
class BrokenStartingModelITCase extends BrokerAndFlinkITCase {
    static Stream<Arguments> brokenRegistries() {
        return Stream.of(
                Arguments.of("model.onnx missing", (Consumer<Path>) v -> delete(v.resolve("model.onnx")), "model.onnx"),
                Arguments.of("model.onnx not a graph", (Consumer<Path>) v ->
                        VersionFixtures.rewrite(v, "model.onnx", bytes -> Arrays.copyOf(bytes, 100), true), "model.onnx"),
                Arguments.of("model.onnx changed, sha256 not", (Consumer<Path>) v ->
                        VersionFixtures.rewrite(v, "model.onnx", VersionFixtures::flipLastByte, false), "sha256"),
                Arguments.of("items.tsv one item short", (Consumer<Path>) v ->
                        VersionFixtures.rewrite(v, "items.tsv", VersionFixtures::dropLastLine, true), "items.tsv"),
                Arguments.of("no version at all", (Consumer<Path>) v -> deleteTree(v), "holds no model version"),
                // The rules that span the job's settings (sequence.max-length 50, model.top-k 10) and a version.
                Arguments.of("max_seq_len above sequence.max-length", MisfitVersions.READS_MORE_THAN_THE_JOB_KEEPS,
                        "raise sequence.max-length to at least 60"),
                Arguments.of("folder named unlike manifest.version", MisfitVersions.NAMED_UNLIKE_ITS_FOLDER,
                        "rename the folder to 'sasrec-elsewhere'"),
                Arguments.of("graph's K' cannot fill model.top-k", MisfitVersions.FILLS_FEWER_THAN_THE_SERVED_TOP_K,
                        "lower model.top-k to 5"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenRegistries")
    void failsOnceWithTheReasonInsteadOfRestarting(String what, Consumer<Path> breakIt, String reason) throws Exception {
        Path registry = Files.createDirectories(tmp.resolve("registry"));
        Path version = VersionFixtures.publish(TestModels.versionIn(TestModels.ROOT.resolve("sasrec")), registry,
                "sasrec-broken", "2026-01-01T00:00:00Z");
        breakIt.accept(version);
        JobConfig config = JobUnderTest.configFor(broker, registry, tmp.resolve("checkpoints"));
        KafkaTopics.create(broker.bootstrapServers(), 2, List.of(config.kafka.clicksTopic));
        KafkaTopics.create(broker.bootstrapServers(), 1, List.of(config.kafka.recommendationsTopic, config.kafka.deadLetterTopic));
        Configuration flinkConf = JobEnvironment.flinkConfiguration(config);
        flinkConf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        flinkConf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 1_000);
        flinkConf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flinkConf);
        env.setParallelism(config.parallelism);
        NextItemJob.build(env, config);
        JobClient job = env.executeAsync("broken-model");

        // 1,000 restarts 200 ms apart would take minutes: ending within 60 s means none happened.
        Throwable failure = null;
        try {
            job.getJobExecutionResult().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            failure = e;
        }
        assertThat(failure).as(what + ": the job must fail").isNotNull();
        assertThat(ExceptionUtils.findThrowable(failure, SuppressRestartsException.class)).as("restarts suppressed").isPresent();
        assertThat(ExceptionUtils.stringifyException(failure)).contains("no model version to serve").contains(reason);
    }



    private static void delete(Path file) {
        try {
            Files.delete(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path folder) {
        try (Stream<Path> paths = Files.walk(folder)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(BrokenStartingModelITCase::delete);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
