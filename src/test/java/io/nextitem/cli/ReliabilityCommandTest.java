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
        assertThat(List.of(command.scenarios)).containsExactlyElementsOf(ReliabilitySuite.scenarioNames());
        assertThat(command.scale).isEqualTo("full");
        assertThat(command.deliveryGuarantee).isEqualTo("exactly-once");
    }
}
