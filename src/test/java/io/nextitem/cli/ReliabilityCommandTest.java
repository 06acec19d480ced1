package io.nextitem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.nextitem.reliability.ReliabilitySuite;
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
}
