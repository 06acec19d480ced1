package io.nextitem.tools.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The standalone cluster runs the shipped cluster config with an overlay of hosts, ports and
 * paths only: any other key in the overlay would make the tested cluster differ from the one
 * operators deploy, so it is refused with where to put it instead.
 */
class ClusterConfigTest {
    private static final Path FLINK_CONF = Path.of("deploy", "flink");

    @TempDir
    Path tmp;

    @Test
    void theShippedOverlaySetsOnlyHostsPortsAndPaths() throws Exception {
        Map<String, String> overlay = ClusterConfig.overlay(FLINK_CONF.resolve(ClusterConfig.OVERLAY), new ClusterHome(tmp));
        assertThat(overlay).containsKeys("rest.port", "jobmanager.rpc.address", "execution.checkpointing.dir",
                "metrics.reporter.prom.port");
        assertThat(overlay.get("execution.checkpointing.dir")).isEqualTo("file://" + tmp.toAbsolutePath() + "/checkpoints");
    }

    @Test
    void anyOtherKeyInTheOverlayIsRefused() throws Exception {
        Path overlay = tmp.resolve("overlay.yaml");
        Files.writeString(overlay, "rest.port: 8081\ntaskmanager.memory.process.size: 1g\nstate.backend.type: hashmap\n");
        assertThatThrownBy(() -> ClusterConfig.overlay(overlay, new ClusterHome(tmp)))
                .hasMessageContaining("only set hosts, ports and paths")
                .hasMessageContaining("taskmanager.memory.process.size").hasMessageContaining("state.backend.type")
                .hasMessageNotContaining("rest.port,");
    }

    @Test
    void theWrittenConfigIsTheShippedOneWithTheOverlayAndItsPortsOnTop() throws Exception {
        ClusterHome home = new ClusterHome(tmp.resolve("home"));
        Configuration merged = ClusterConfig.merged(FLINK_CONF, home, Map.of("rest.port", "18081"));
        ClusterConfig.write(merged, home);
        Configuration written = GlobalConfiguration.loadConfiguration(home.conf().toString());
        Configuration shipped = GlobalConfiguration.loadConfiguration(FLINK_CONF.toString());
        Map<String, String> overlay = ClusterConfig.overlay(FLINK_CONF.resolve(ClusterConfig.OVERLAY), home);
        for (Map.Entry<String, String> entry : shipped.toMap().entrySet()) {
            if (!overlay.containsKey(entry.getKey())) {
                assertThat(written.toMap()).as(entry.getKey()).containsEntry(entry.getKey(), entry.getValue());
            }
        }
        assertThat(written.toMap()).containsEntry("rest.port", "18081").containsEntry("rest.bind-address", "localhost")
                .containsEntry("jobmanager.rpc.address", "localhost");
        assertThat(written.toMap().get("env.java.opts.all")).contains("--add-opens=java.base/java.util=ALL-UNNAMED");
    }
}
