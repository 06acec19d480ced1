package io.nextitem.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.nextitem.cli.NextItemCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** nextitem.jar's command line is the job's with every tool added; without a command it lists them all. */
class NextItemToolsCliTest {

    @Test
    void withoutACommandTheUsageListsTheJobsCommandsAndEveryTool() {
        assertThat(usage(NextItemToolsCli.commandLine())).containsExactly("run", "model", "items", "demo", "replay", "tail",
                "bench-encoder", "bench", "reliability", "cluster", "soak", "config", "ann-compare", "index", "docs");
    }

    @Test
    void theJobsCommandLineListsOnlyItsOwn() {
        assertThat(usage(NextItemCli.commandLine())).containsExactly("run", "model", "items");
    }

    private static List<String> usage(CommandLine cli) {
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        assertThat(cli.execute()).isZero();
        String text = out.toString();
        return text.substring(text.indexOf("Commands:") + "Commands:".length()).lines()
                .filter(l -> l.startsWith("  ") && !l.startsWith("    ")).map(l -> l.strip().split("\\s+")[0]).toList();
    }
}
