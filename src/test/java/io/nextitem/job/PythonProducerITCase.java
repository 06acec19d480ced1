package io.nextitem.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nextitem.avro.Recommendation;
import io.nextitem.config.JobConfig;
import io.nextitem.testing.BrokerAndFlinkITCase;
import io.nextitem.testing.DemoModel;
import io.nextitem.testing.JobUnderTest;
import io.nextitem.testing.KafkaTestTopics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.Test;

/**
 * The Python producer example (src/examples/python/produce_clicks.py, Debian's
 * confluent-kafka and avro) against the real broker: every click it sends is decoded by the job
 * (single-object framing and fingerprint as Java computes them) and answered once.
 */
class PythonProducerITCase extends BrokerAndFlinkITCase {
    @Test
    void everyClickThePythonExampleSendsIsAnsweredOnce() throws Exception {
        JobConfig config = JobUnderTest.configFor(broker, DemoModel.REGISTRY, tmp.resolve("checkpoints"));
        JobClient job = JobUnderTest.start(broker, config);

        String python = run(List.of("deploy/bin/python-for-trainer")).trim();
        String items = String.join(",", DemoModel.itemIds().subList(0, 30));
        JsonNode sent = new ObjectMapper().readTree(run(List.of(python, "src/examples/python/produce_clicks.py",
                "--bootstrap-servers", broker.bootstrapServers(), "--topic", config.kafka.clicksTopic,
                "--users", "10", "--count", "120", "--items", items, "--event-id-prefix", "py-itcase")));
        List<String> ids = new ArrayList<>();
        sent.path("event_ids").forEach(id -> ids.add(id.asText()));
        assertThat(ids).hasSize(120);

        List<Recommendation> received = KafkaTestTopics.readCommitted(broker.bootstrapServers(),
                        config.kafka.recommendationsTopic, ids.size(), Duration.ofSeconds(120), Duration.ofSeconds(2))
                .stream().map(r -> JobUnderTest.decode(r, Recommendation::fromByteBuffer)).toList();
        assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
        job.cancel().get();
        assertThat(received).extracting(Recommendation::getTriggerEventId).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(KafkaTestTopics.readCommitted(broker.bootstrapServers(), config.kafka.deadLetterTopic, 1,
                Duration.ofSeconds(3), Duration.ZERO)).as("nothing dead-lettered").isEmpty();
    }

    private static String run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as(String.join(" ", command) + " finished").isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
        return out;
    }
}
