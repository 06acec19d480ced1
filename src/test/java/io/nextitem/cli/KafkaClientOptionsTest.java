package io.nextitem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class KafkaClientOptionsTest {
    @TempDir
    Path tmp;

    @Test
    void theJobsConfigGivesTheToolsItsClusterAndSecurity() throws Exception {
        Path config = Files.writeString(tmp.resolve("job.yaml"), String.join("\n",
                "kafka:",
                "  bootstrap-servers: kafka-1:9093",
                "  security:",
                "    protocol: SSL",
                "    truststore: /secrets/ca.p12",
                "    truststore-password-env: TRUSTSTORE_PASSWORD",
                "model:",
                "  registry: /models",
                "checkpoint:",
                "  dir: file:///tmp/cp",
                ""));
        ModelCommand model = new ModelCommand();
        new CommandLine(model).parseArgs("unpin", "--config", config.toString());
        assertThat(model.kafka.bootstrapServers()).isEqualTo("kafka-1:9093");
        assertThat(model.kafka.clientProperties()).containsEntry("security.protocol", "SSL")
                .containsEntry("ssl.truststore.password", "${env:TRUSTSTORE_PASSWORD}");

        new CommandLine(model).parseArgs("unpin", "--config", config.toString(), "--bootstrap-servers", "other:9093");
        assertThat(model.kafka.bootstrapServers()).isEqualTo("other:9093");
    }

    @Test
    void withoutAConfigTheToolsTalkPlaintextToALocalBroker() {
        ModelCommand model = new ModelCommand();
        new CommandLine(model).parseArgs("unpin");
        assertThat(model.kafka.bootstrapServers()).isEqualTo("localhost:9092");
        assertThat(model.kafka.clientProperties()).isEmpty();
    }
}
