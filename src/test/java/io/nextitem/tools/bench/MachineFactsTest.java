package io.nextitem.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.nextitem.testing.ChildProcess;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The machine id in every result file: two machines with one model name but other flags or sizes stay apart. */
class MachineFactsTest {
    private static final Set<String> XEON_FLAGS = Set.of("fma", "avx2", "avx512f", "avx512_vnni", "sse4_2");

    @Test
    void theIdNamesTheModelCoresMemoryAndTheFlagsThatMoveFigures() {
        assertThat(MachineFacts.machineId("Intel(R) Xeon(R) Processor", 2, 24, XEON_FLAGS))
                .isEqualTo("intel-xeon-2c-24g-avx2-avx512f-avx512-vnni");
        assertThat(MachineFacts.machineId("AMD EPYC 7B13 64-Core Processor", 2, 24, Set.of("avx2", "fma")))
                .isEqualTo("amd-epyc-7b13-64-core-2c-24g-avx2");
        assertThat(MachineFacts.machineId("AMD EPYC 7B13 64-Core Processor", 2, 24, Set.of("avx2", "avx512f")))
                .as("the same model with AVX-512 is another machine").isNotEqualTo("amd-epyc-7b13-64-core-2c-24g-avx2");
        assertThat(MachineFacts.machineId("unknown", 16, null, Set.of())).isEqualTo("unknown-16c-unknown-memory");
    }

    @Test
    void thisMachinesFactsCarryItsId() {
        assertThat((String) MachineFacts.describe().get("machine_id"))
                .startsWith(MachineFacts.machineId(MachineFacts.cpuModel(), Runtime.getRuntime().availableProcessors(),
                        MachineFacts.memoryGib(), MachineFacts.cpuFlags()));
    }

    /** The trainer writes result files too: its rule must give the same id for the same facts. */
    @Test
    void theTrainersRuleGivesTheSameId() throws Exception {
        String python = ChildProcess.run(List.of("deploy/bin/python-for-trainer"), Duration.ofSeconds(30)).output().trim();
        List<String> models = List.of("Intel(R) Xeon(R) Processor", "AMD EPYC 7B13 64-Core Processor",
                "Intel(R) Xeon(R) Platinum 8480+ CPU @ 2.00GHz");
        String script = "import sys; from nextitem_trainer.core.results import machine_id; "
                + "[print(machine_id(m, 2, 24, set(sys.argv[2].split(',')))) for m in sys.argv[1].split('|')]";
        ChildProcess.Result trainer = ChildProcess.run(List.of("env", "PYTHONPATH=src/trainer", python, "-c", script,
                String.join("|", models), String.join(",", XEON_FLAGS)), Duration.ofSeconds(60));
        assertThat(trainer.exit()).as(trainer.output()).isZero();
        assertThat(trainer.output().strip().lines().toList())
                .isEqualTo(models.stream().map(m -> MachineFacts.machineId(m, 2, 24, XEON_FLAGS)).toList());
    }
}
