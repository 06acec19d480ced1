package io.nextitem.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nextitem.tools.kafka.LocalKafkaBroker;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a new user sees when something around the job is wrong: every command that talks to Kafka
 * names the broker it cannot reach and fails within 30 s (here main runs inside the test JVM, so
 * a failure is thrown with the CLI's message instead of exiting, as inside a cluster); a
 * malformed click file is refused before the first record; a busy port is named with the option
 * that changes it.
 */
class OperatorErrorsTest {
    private static final String NOWHERE = "localhost:1";

    @TempDir
    Path tmp;

    @Test
    void everyKafkaCommandNamesTheBrokerItCannotReachWithin30Seconds() throws Exception {
        Path clicks = tmp.resolve("clicks.dat");
        Files.writeString(clicks, "1::10::5::978300760\n2::11::3::978300761\n");
        Path config = tmp.resolve("nextitem.yaml");
        writeConfig(config);
        int dashboardPort = LocalKafkaBroker.freePort();
        List<String[]> commands = List.of(
                new String[] {"replay", "--events", clicks.toString(), "--format", "movielens", "--bootstrap-servers", NOWHERE},
                new String[] {"tail", "--bootstrap-servers", NOWHERE},
                new String[] {"model", "pin", "v1", "--bootstrap-servers", NOWHERE},
                new String[] {"run", "--config", config.toString(), "--dashboard-port", Integer.toString(dashboardPort),
                        "--prometheus-port", "0"});
        long started = System.nanoTime();
        List<CompletableFuture<Throwable>> runs = commands.stream()
                .map(args -> CompletableFuture.supplyAsync(() -> failureOf(args))).toList();
        for (int i = 0; i < commands.size(); i++) {
            Throwable failure = runs.get(i).get(60, TimeUnit.SECONDS);
            assertThat(failure).as(commands.get(i)[0]).isNotNull()
                    .hasMessageContaining("exit 2").hasMessageContaining("cannot reach a Kafka broker at " + NOWHERE);
        }
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
        // `run` failed before submitting anything: no local cluster took the dashboard's port.
        try (ServerSocket free = new ServerSocket()) {
            free.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), dashboardPort));
        }
    }

    @Test
    void aMalformedLineStopsTheReplayBeforeAnyRecordOrBrokerContact() throws Exception {
        Path clicks = tmp.resolve("bad.dat");
        Files.writeString(clicks, "1::10::5::978300760\nnot a click\n");
        long started = System.nanoTime();
        assertThatThrownBy(() -> NextItemToolsCli.main(new String[] {"replay", "--events", clicks.toString(), "--format",
                "movielens", "--bootstrap-servers", NOWHERE}))
                .hasMessageContaining(clicks + ":2").hasMessageNotContaining("Kafka broker");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("no broker contact first").isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aMisspeltDemoSettingStopsBeforeAnythingStarts() {
        long started = System.nanoTime();
        assertThatThrownBy(() -> NextItemToolsCli.main(new String[] {"demo", "--set", "canary.atuo=true"}))
                .hasMessageContaining("demo --set").hasMessageContaining("canary.atuo");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("no broker started first").isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aBusyDashboardPortIsNamedWithItsOption() throws Exception {
        Path config = tmp.resolve("nextitem.yaml");
        writeConfig(config);
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> NextItemToolsCli.main(new String[] {"run", "--config", config.toString(),
                    "--dashboard-port", Integer.toString(port), "--prometheus-port", "0"}))
                    .hasMessageContaining("port " + port + " for the dashboard is in use")
                    .hasMessageContaining("--dashboard-port");
        }
    }

    private void writeConfig(Path config) throws Exception {
        Files.writeString(config, "kafka:\n  bootstrap-servers: " + NOWHERE + "\ncheckpoint:\n  dir: "
                + tmp.resolve("cp").toUri() + "\nmodel:\n  registry: src/main/resources/nextitem/demo/registry\n");
    }

    private static Throwable failureOf(String[] args) {
        try {
            NextItemToolsCli.main(args);
            return null;
        } catch (Throwable t) {
            return t;
        }
    }
}
