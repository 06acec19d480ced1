package io.nextitem.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobConfigLoaderTest {
    @TempDir
    Path tmp;

    @Test
    void theShippedConfigLoadsAndIsValid() {
        JobConfig config = JobConfigLoader.load(Path.of("deploy/nextitem.yaml"));
        assertThat(config.kafka.clicksTopic).isEqualTo("clicks");
        assertThat(config.validate()).isEmpty();
    }

    @Test
    void theOldTtlKeySaysWhatToWriteInstead() {
        assertThatThrownBy(() -> JobConfigLoader.parse("sequence:\n  ttl-hours: 2\n", "job.yaml"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("sequence.ttl-hours")
                .hasMessageContaining("ttl-minutes: 120");
        assertThat(JobConfigLoader.parse("sequence:\n  ttl-minutes: 5\n", "job.yaml").sequence.ttl())
                .isEqualTo(java.time.Duration.ofMinutes(5));
    }

    @Test
    void unknownKeysAreRejectedByName() {
        assertThatThrownBy(() -> JobConfigLoader.parse("kafka:\n  bootstrap-server: x:9092\n", "job.yaml"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("job.yaml (line 2)")
                .hasMessageContaining("bootstrap-server");
    }

    @Test
    void aMisspeltKeyNamesTheClosestDefinedOneAndEveryProblemIsListed() {
        assertThatThrownBy(() -> JobConfigLoader.parse("""
                kafka:
                  bootstrap-server: x:9092
                model:
                  top-k: many
                sequence:
                  ttl-hours: 1
                """, "job.yaml"))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.problems()).containsExactly(
                        "job.yaml (line 2): key 'kafka.bootstrap-server' is not a job setting; did you mean "
                                + "kafka.bootstrap-servers? Every key and its default is in docs/configuration.md",
                        "job.yaml (line 4): key 'model.top-k' needs an int, not 'many'",
                        "job.yaml (line 6): sequence.ttl-hours was replaced by sequence.ttl-minutes: write ttl-minutes: 60"));
    }

    @Test
    void aWrittenConfigLoadsBackWithEveryValue() throws Exception {
        JobConfig config = JobConfig.isolatedRun("broker:9093", "test", "run1");
        config.model.registry = "/models";
        config.model.latencyBudgetMs = 2.5;
        config.kafka.properties.put("linger.ms", "5");
        config.decoder.confluentSchemaIds.put(7, "click-v1.avsc");
        config.decoder.schemaDir = "/schemas";
        config.checkpoint.changelog = true;
        Path file = tmp.resolve("written.yaml");

        JobConfigLoader.write(config, file);
        JobConfig read = JobConfigLoader.load(file);

        for (Setting<?, ?> setting : JobSettings.ALL) {
            assertThat(setting.get(read)).as(setting.key()).isEqualTo(setting.get(config));
        }
    }

    @Test
    void aFileThatIsNoMapOfKeysSaysSo() {
        assertThatThrownBy(() -> JobConfigLoader.parse("- parallelism: 2\n", "job.yaml"))
                .hasMessageContaining("job.yaml: the config must be a map of keys").hasMessageContaining("not a list");
    }

    @Test
    void nullForANumberIsRefusedByKey() {
        assertThatThrownBy(() -> JobConfigLoader.parse("checkpoint:\n  interval-ms: null\n", "job.yaml"))
                .hasMessageContaining("checkpoint.interval-ms").hasMessageContaining("not null");
    }

    @Test
    void wrongTypesAreRejectedByKey() {
        assertThatThrownBy(() -> JobConfigLoader.parse("sequence:\n  max-length: lots\n", "job.yaml"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("sequence.max-length");
    }

    @Test
    void everyProblemIsListedWithWhatToChange() throws Exception {
        Path file = tmp.resolve("job.yaml");
        Files.writeString(file, """
                kafka:
                  transaction-timeout-ms: 3600000
                model:
                  execution-provider: tpu
                  cuda-device-id: -1
                checkpoint:
                  dir: /no/scheme
                """);
        assertThatThrownBy(() -> JobConfigLoader.load(file))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.problems()).anySatisfy(
                        p -> assertThat(p).contains("kafka.transaction-timeout-ms is 3600000"))
                        .anySatisfy(p -> assertThat(p).contains("model.registry is empty"))
                        .anySatisfy(p -> assertThat(p).contains("use auto, cuda or cpu"))
                        .anySatisfy(p -> assertThat(p).contains("model.cuda-device-id"))
                        .anySatisfy(p -> assertThat(p).contains("must be a URI")));
    }

    @Test
    void deliveryGuaranteeIsExactlyOnceUnlessAtLeastOnceIsAsked() {
        assertThat(JobConfigLoader.parse("", "job.yaml").kafka.exactlyOnce()).isTrue();
        JobConfig atLeastOnce = JobConfigLoader.parse("kafka:\n  delivery-guarantee: at-least-once\n", "job.yaml");
        assertThat(atLeastOnce.kafka.exactlyOnce()).isFalse();
        assertThat(atLeastOnce.validate()).noneSatisfy(e -> assertThat(e).contains("delivery-guarantee"));
        assertThat(JobConfigLoader.parse("kafka:\n  delivery-guarantee: twice\n", "job.yaml").validate())
                .anySatisfy(e -> assertThat(e).contains("kafka.delivery-guarantee").contains("at-least-once"));
    }

    @Test
    void aMissingFileSaysSo() {
        assertThatThrownBy(() -> JobConfigLoader.load(tmp.resolve("absent.yaml")))
                .hasMessageContaining("does not exist");
    }

    @Test
    void overridesGoThroughTheDefinitionsAndReportEveryBadAssignment() {
        JobConfig config = JobConfigLoader.override(new JobConfig(),
                java.util.List.of("state.rocksdb-partitioned-index-filters=true", "state.rocksdb-block-size-kb = 16"), "test");
        assertThat(config.state.rocksdbPartitionedIndexFilters).isTrue();
        assertThat(config.state.rocksdbBlockSizeKb).isEqualTo(16);

        assertThatThrownBy(() -> JobConfigLoader.override(new JobConfig(), java.util.List.of(
                "state.rocksdb-block-size=16", "state.rocksdb-block-size-kb=big", "state.rocksdb-bloom-filter"), "test"))
                .isInstanceOf(InvalidConfigException.class)
                .satisfies(e -> assertThat(((InvalidConfigException) e).problems()).hasSize(3))
                .hasMessageContaining("did you mean state.rocksdb-block-size-kb?")
                .hasMessageContaining("'state.rocksdb-bloom-filter' is not key=value");
    }
}
