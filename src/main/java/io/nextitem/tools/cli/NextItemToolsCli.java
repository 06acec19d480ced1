package io.nextitem.tools.cli;

import io.nextitem.cli.NextItemCli;
import picocli.CommandLine;

/**
 * {@code java -jar nextitem.jar <command>}: the job's commands ({@link NextItemCli}) and the tools
 * beside them: the demo, the Kafka tools, the local cluster, the benchmarks, the reliability
 * suite and the soak. The cluster job jar leaves this package out; its entry is {@link NextItemCli}.
 */
public final class NextItemToolsCli {
    private NextItemToolsCli() {}

    public static void main(String[] args) {
        NextItemCli.execute(commandLine(), args, NextItemToolsCli.class);
    }

    public static CommandLine commandLine() {
        CommandLine cli = NextItemCli.commandLine();
        for (Object tool : new Object[] {new DemoCommand(), new ReplayCommand(), new TailCommand(),
                new BenchEncoderCommand(), new BenchCommand(), new ReliabilityCommand(), new ClusterCommand(),
                new SoakCommand(), new ConfigCommand(), new AnnCompareCommand(), new IndexCommand(), new DocsCommand()}) {
            cli.addSubcommand(tool);
        }
        return cli;
    }
}
