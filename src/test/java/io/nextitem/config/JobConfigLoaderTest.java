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
}
