package io.nextitem.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.nextitem.tools.reliability.ReliabilitySuite;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ReliabilityCommandTest {
    @Test
    void byDefaultEveryScenarioRunsAtFullScaleExactlyOnce() {
        ReliabilityCommand command = new ReliabilityCommand();
        new CommandLine(command).parseArgs();
        assertThat(List.copyOf(command.chosenScenarios())).containsExactlyElementsOf(ReliabilitySuite.scenarioNames());
        assertThat(command.chosenScenarios()).contains("jobmanager-kill", "network-cut");
        assertThat(command.cluster).isEqualTo("minicluster");
        assertThat(command.scale).isEqualTo("full");
        assertThat(command.deliveryGuarantee).isEqualTo("exactly-once");
    }

    @Test
    void theKillCountCanBeRaisedForTheTenKillRun() {
        ReliabilityCommand command = new ReliabilityCommand();
        new CommandLine(command).parseArgs("--cluster", "standalone", "--scenarios", "task-failures", "--task-manager-kills", "10");
        assertThat(command.taskManagerKills).isEqualTo(10);
        var scale = io.nextitem.tools.reliability.ReliabilityScale.full().withTaskFailures(10);
        assertThat(scale.taskFailures()).isEqualTo(10);
        assertThat(scale.events()).isEqualTo(io.nextitem.tools.reliability.ReliabilityScale.full().events());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> scale.withTaskFailures(0))
                .hasMessageContaining("at least 1");
    }
}
