package io.nextitem.tools.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The failure-injection suite at CI scale (6,000 events per scenario, 1,000 malformed records, 3
 * task manager kills, an upgrade from the newest savepoint in src/test/resources/nextitem/upgrade-savepoints),
 * through the same code as {@code nextitem reliability --scale full}: after each scenario
 * nothing is lost, nothing doubled, every user's answers follow their clicks, every sequence in
 * the final savepoint is what the input implies, and the injected failures were really
 * recovered from.
 */
class ReliabilitySuiteITCase {
    @TempDir
    Path tmp;

    /**
     * The suite as operators deploy the job: a standalone cluster of separate JVMs, the job jar
     * over REST, TaskManager and JobManager processes killed with SIGKILL, rescaling 2 -> 4 -> 2
     * over both TaskManagers, a network cut to the broker. (The same scenarios on the one-JVM
     * cluster run under `reliability --cluster minicluster`, the control below uses it.)
     */
    @Test
    @SuppressWarnings("unchecked")
    void theSameOnAStandaloneClusterOfProcessesWithRealKills() throws Exception {
        Path out = tmp.resolve("reliability-standalone.json");
        Map<String, Object> result = ReliabilitySuite.run(ReliabilityScale.ci(), ReliabilitySuite.scenarioNames(), null,
                "exactly-once", "standalone", out, 42, new PrintStream(System.out, true));
        assertEveryScenarioExact(out, result, "standalone");
        assertThat((List<Map<String, Object>>) result.get("scenarios")).extracting(r -> r.get("scenario"))
                .containsExactly("bad-input", "task-failures", "savepoint-rescale", "broker-restart", "upgrade",
                        "jobmanager-kill", "network-cut");
        List<Map<String, Object>> rows = (List<Map<String, Object>>) result.get("scenarios");
        assertThat(rows).extracting(r -> r.get("fault")).containsExactly("malformed-input", "process-kill", "rescale",
                "broker-kill", "upgrade", "jobmanager-kill", "network-cut");
        assertThat((List<Double>) rows.get(1).get("recovery_seconds_per_kill")).hasSize(ReliabilityScale.ci().taskFailures());
        assertThat((Long) rows.get(1).get("onnxruntime_library_copies_written")).as("fresh TaskManagers reuse one copy")
                .isBetween(0L, 1L);
        assertThat(rows).allSatisfy(r -> assertThat((Long) r.get("fenced_producer_log_lines")).isNotNull().isNotNegative());
        assertThat((Double) rows.get(6).get("read_committed_output_stall_seconds")).as("the cut shows as a stall")
                .isGreaterThanOrEqualTo((double) ReliabilityScale.ci().networkCut().toSeconds());
    }

    @SuppressWarnings("unchecked")
    private static void assertEveryScenarioExact(Path out, Map<String, Object> result, String cluster) {
        assertThat(out).exists();
        assertThat(result.get("cluster")).isEqualTo(cluster);
        List<Map<String, Object>> rows = (List<Map<String, Object>>) result.get("scenarios");
        for (Map<String, Object> row : rows) {
            String name = (String) row.get("scenario");
            assertThat(row.get("cluster")).as(name).isEqualTo(cluster);
            assertThat(row.get("events")).as(name).isEqualTo(6_000L);
            assertThat((long) row.get("retries_sent")).as(name + ": producer retries were sent").isPositive();
            assertThat(row.get("lost")).as(name + " lost").isEqualTo(0L);
            assertThat(row.get("duplicated")).as(name + " duplicated").isEqualTo(0L);
            assertThat(row.get("unexpected")).as(name + " unexpected").isEqualTo(0L);
            assertThat(row.get("users_out_of_order")).as(name + " out of order").isEqualTo(0L);
            // 300 users per scenario; the upgrade's 100 earlier users are among its 300.
            assertThat(row.get("users_in_state")).as(name + " users in the savepoint").isEqualTo(300L);
            assertThat(row.get("sequences_mismatched")).as(name + " sequences").isEqualTo(0L);
            assertThat(row.get("dead_letters")).as(name).isEqualTo(row.get("malformed"));
            assertThat(row.get("malformed_without_their_dead_letter")).as(name).isEqualTo(0L);
            assertThat(row.get("dead_letters_unexplained")).as(name).isEqualTo(0L);
            assertThat(row.get("restarts_caused_by_bad_input")).as(name).isEqualTo(0L);
        }
        Map<String, Object> badInput = rows.get(0);
        assertThat(badInput.get("malformed")).isEqualTo(1_000L);
        assertThat((Map<String, Long>) badInput.get("dead_letters_by_reason")).as("reason codes seen").hasSizeGreaterThanOrEqualTo(11);
        assertThat(badInput.get("recoveries")).as("bad input never restarts the job").isEqualTo(0L);
        Map<String, Object> failures = rows.get(1);
        assertThat(failures.get("failures_injected")).isEqualTo((long) ReliabilityScale.ci().taskFailures());
        assertThat((long) failures.get("recoveries")).as("each kill was recovered from").isGreaterThanOrEqualTo((long) ReliabilityScale.ci().taskFailures());
        assertThat(rows.get(2).get("recoveries")).as("savepoint restarts are not failures").isEqualTo(0L);
        assertThat(rows.get(4).get("failures_injected")).as("the upgrade restart").isEqualTo(1L);
        assertThat(rows).allSatisfy(r -> assertThat(r).containsKey("read_committed_output_stall_seconds"));
        assertThat(result.get("passed")).isEqualTo(true);
    }

    /** The control: the same task manager kills without exactly-once double output, and the count shows it. */
    @Test
    @SuppressWarnings("unchecked")
    void atLeastOnceDeliveryUnderTheSameKillsIsCaughtDoublingOutput() throws Exception {
        Map<String, Object> result = ReliabilitySuite.run(ReliabilityScale.ci(), java.util.Set.of("task-failures"), null,
                "at-least-once", tmp.resolve("control.json"), 42, new PrintStream(System.out, true));
        Map<String, Object> row = ((List<Map<String, Object>>) result.get("scenarios")).get(0);
        assertThat((long) row.get("duplicated")).as("replayed output after each recovery").isPositive();
        assertThat(row.get("lost")).isEqualTo(0L);
        assertThat(result.get("passed")).isEqualTo(false);
    }
}
