package io.nextitem.reliability;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.nextitem.bench.MachineFacts;
import io.nextitem.demo.ClasspathFolder;
import io.nextitem.demo.DemoRunner;
import io.nextitem.kafka.LocalKafkaBroker;
import io.nextitem.model.ModelRegistry;
import io.nextitem.model.ModelVersion;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Issue 8's failure-injection suite, the way Flink's own end-to-end tests prove exactly-once:
 * hurt the running job (a real KRaft broker, the production job on a local cluster with RocksDB
 * and checkpoints), then count what a read_committed consumer saw and what the state holds.
 * Writes {@code reliability.json}: per scenario events, failures injected, recoveries, lost,
 * duplicated, malformed, dead letters, restarts caused by bad input.
 */
public final class ReliabilitySuite {
    public static final List<ReliabilityScenario> SCENARIOS = List.of(
            new BadInputScenario(), new TaskFailureScenario(), new SavepointRescaleScenario(),
            new BrokerRestartScenario());
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ReliabilitySuite() {}

    public static Set<String> scenarioNames() {
        Set<String> names = new java.util.LinkedHashSet<>();
        SCENARIOS.forEach(s -> names.add(s.name()));
        return names;
    }

    /**
     * @param registry the model registry to serve (its newest version), or null for the shipped demo model
     * @param deliveryGuarantee exactly-once, or at-least-once as a control: the same failures then
     *                 double output, which shows the counting can see it
     * @param out      the result file to write
     * @return the result as written; {@code passed} is false if any scenario lost, doubled or misordered anything
     */
    public static Map<String, Object> run(ReliabilityScale scale, Set<String> scenarios, Path registry,
                                          String deliveryGuarantee, Path out, long seed, PrintStream log)
            throws Exception {
        Path work = Files.createTempDirectory("nextitem-reliability-");
        if (registry == null) {
            registry = work.resolve("registry");
            ClasspathFolder.copy(DemoRunner.DEMO_REGISTRY_RESOURCE, registry);
        }
        ModelVersion version = ModelVersion.load(new ModelRegistry(registry).resolve("latest"));
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("suite", "nextitem reliability (issue 8: failure injection, then counting)");
        result.put("scale", scale.name());
        result.put("seed", seed);
        result.put("model", version.name());
        result.put("model_version", version.version());
        result.put("delivery_guarantee", deliveryGuarantee);
        result.put("output_read_with", "read_committed");
        result.put("state_backend", "rocksdb, incremental checkpoints every 1 s");
        result.put("machine", MachineFacts.describe());
        result.put("commit", MachineFacts.commit());
        result.put("taken_at", Instant.now().toString());
        List<Map<String, Object>> rows = new ArrayList<>();
        boolean passed = true;
        log.println("starting a local Kafka broker (KRaft, own JVM) and a local Flink cluster ...");
        try (LocalKafkaBroker broker = LocalKafkaBroker.start(); LocalFlinkCluster flink = new LocalFlinkCluster()) {
            ScenarioContext context = new ScenarioContext(broker, flink, registry, work, scale, version.items(), seed,
                    deliveryGuarantee, log);
            for (ReliabilityScenario scenario : SCENARIOS) {
                if (!scenarios.contains(scenario.name())) {
                    continue;
                }
                log.printf("%s: %s (%,d events)%n", scenario.name(), scenario.description(), scale.events());
                ScenarioResult row = scenario.run(context);
                log.printf("  %s: lost %d, duplicated %d, out of order %d, state mismatches %d/%d, recoveries %d, "
                                + "dead letters %d/%d malformed, %.0f s%n",
                        row.passed() ? "passed" : "FAILED", row.delivery().lost(), row.delivery().duplicated(),
                        row.delivery().usersOutOfOrder(), row.state().mismatched(), row.state().users(),
                        row.recoveries(), row.deadLetters().received(), row.deadLetters().expected(), row.seconds());
                rows.add(row.toJson());
                passed &= row.passed();
            }
        }
        result.put("scenarios", rows);
        result.put("passed", passed);
        Files.createDirectories(out.toAbsolutePath().getParent());
        JSON.writeValue(out.toFile(), result);
        log.println("wrote " + out);
        return result;
    }
}
