package io.nextitem.tools.cli;

import io.nextitem.config.ConfigReference;
import io.nextitem.config.JobSettings;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code config reference --out FILE}: the configuration reference, generated from the setting definitions. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "The job's settings.", subcommands = ConfigCommand.Reference.class)
final class ConfigCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(name = "reference", mixinStandardHelpOptions = true,
            description = "Write the table of every job setting (key, type, default, accepted values, description) "
                    + "into a Markdown file, between its generator markers; the rest of the file is kept.")
    static final class Reference implements Callable<Integer> {
        @Option(names = "--out", defaultValue = "docs/configuration.md", description = "Default: ${DEFAULT-VALUE}.")
        Path out;

        @Override
        public Integer call() throws Exception {
            ConfigReference.write(out);
            System.out.printf("%d job settings written to %s%n", JobSettings.ALL.size(), out);
            return 0;
        }
    }
}
