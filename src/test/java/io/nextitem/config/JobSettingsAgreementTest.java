package io.nextitem.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.nextitem.tools.cli.NextItemToolsCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The configuration reference (docs/configuration.md) and the shipped config (deploy/nextitem.yaml)
 * agree with the setting definitions, and the checks that say so notice a change on either side.
 */
class JobSettingsAgreementTest {
    private static final Path REFERENCE = Path.of("docs/configuration.md");
    private static final Path DEPLOYED = Path.of("deploy/nextitem.yaml");

    @TempDir
    Path tmp;

    @Test
    void theReferenceAgreesWithTheDefinitions() throws Exception {
        assertThat(ConfigReference.disagreements(JobSettings.ALL, Files.readString(REFERENCE), REFERENCE.toString()))
                .as("regenerate with: " + ConfigReference.COMMAND).isEmpty();
    }

    @Test
    void theShippedConfigListsEveryKeyWithItsDefault() throws Exception {
        assertThat(DeployConfigAgreement.disagreements(JobSettings.ALL, Files.readString(DEPLOYED), DEPLOYED.toString()))
                .isEmpty();
    }

    @Test
    void aChangedDefaultIsReportedInBothFiles() throws Exception {
        // Copies of the files, held against definitions whose sequence.max-length default moved from 50 to 60.
        Path reference = Files.copy(REFERENCE, tmp.resolve("configuration.md"));
        Path deployed = Files.copy(DEPLOYED, tmp.resolve("nextitem.yaml"));
        List<Setting<?, ?>> changed = new ArrayList<>(JobSettings.ALL);
        changed.set(changed.indexOf(SequenceSettings.MAX_LENGTH), SequenceSettings.MAX_LENGTH.withDefault(60));

        assertThat(ConfigReference.disagreements(changed, Files.readString(reference), "configuration.md"))
                .singleElement().asString()
                .contains("configuration.md: sequence.max-length has default `50` here but `60` in its definition")
                .contains(ConfigReference.COMMAND);
        assertThat(DeployConfigAgreement.disagreements(changed, Files.readString(deployed), "nextitem.yaml"))
                .singleElement().asString().contains("sequence.max-length: 50 but its default is 60");
    }

    @Test
    void aHandEditedReferenceOrConfigIsReported() throws Exception {
        String reference = Files.readString(REFERENCE).replace("| `model.top-k` | int | `10` |", "| `model.top-k` | int | `20` |");
        assertThat(ConfigReference.disagreements(JobSettings.ALL, reference, "configuration.md"))
                .singleElement().asString().contains("model.top-k");

        String deployed = Files.readString(DEPLOYED);
        assertThat(DeployConfigAgreement.disagreements(JobSettings.ALL,
                deployed.replace("  top-k: 10\n", "  top-k: 0\n"), "nextitem.yaml"))
                .anySatisfy(p -> assertThat(p).contains("model.top-k is 0: it must be between 1 and 1000"))
                .anySatisfy(p -> assertThat(p).contains("model.top-k: 0 but its default is 10"));
        assertThat(DeployConfigAgreement.disagreements(JobSettings.ALL,
                deployed.replace("  top-k: 10\n", "  top-kay: 10\n"), "nextitem.yaml"))
                .anySatisfy(p -> assertThat(p).contains("model.top-kay, which is not a defined setting"))
                .anySatisfy(p -> assertThat(p).contains("lacks model.top-k"));
    }

    @Test
    void theCommandWritesTheReferenceKeepingTheProseAroundIt() throws Exception {
        String real = Files.readString(REFERENCE);
        String prose = real.substring(0, real.indexOf(ConfigReference.BEGIN));
        // A stale table in a copy: the command replaces it.
        Path reference = Files.writeString(tmp.resolve("configuration.md"),
                real.replace("| `sequence.max-length` | int | `50` |", "| `sequence.max-length` | int | `60` |"));
        assertThat(ConfigReference.disagreements(JobSettings.ALL, Files.readString(reference), "copy")).isNotEmpty();

        // As the reference's own text gives the command, less the jar.
        int exit = NextItemToolsCli.commandLine().execute("config", "reference", "--out", reference.toString());

        assertThat(exit).isZero();
        String written = Files.readString(reference);
        assertThat(written).startsWith(prose);
        assertThat(ConfigReference.disagreements(JobSettings.ALL, written, reference.toString())).isEmpty();
        assertThat(written).isEqualTo(real);
    }

    @Test
    void everySettingIsDefinedOnceWithADescriptionAndADefaultThatPassesItsCheck() {
        assertThat(JobSettings.ALL).extracting(Setting::key).doesNotHaveDuplicates();
        JobConfig defaults = new JobConfig();
        for (Setting<?, ?> setting : JobSettings.ALL) {
            assertThat(setting.description()).as(setting.key()).isNotBlank();
            if (!setting.required()) {
                assertThat(setting.get(defaults)).as("the field of " + setting.key() + " starts at its default")
                        .isEqualTo(setting.defaultValue());
                assertThat(problemsOfDefault(setting)).as(setting.key()).isEmpty();
            }
        }
    }

    private static <O, T> List<String> problemsOfDefault(Setting<O, T> setting) {
        return setting.problems(setting.defaultValue());
    }
}
