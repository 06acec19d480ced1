package io.nextitem.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar nextitem.jar <command>}: the job, the demo and the Kafka tools. */
@Command(name = "nextitem", mixinStandardHelpOptions = true, version = "nextitem 0.1.0",
        description = "Streaming next-item recommender on Kafka and Flink.",
        subcommands = {RunCommand.class, DemoCommand.class, ReplayCommand.class, TailCommand.class,
                BenchEncoderCommand.class, BenchCommand.class, ReliabilityCommand.class, ModelCommand.class})
public final class NextItemCli implements Runnable {

    public static void main(String[] args) {
        int exit = new CommandLine(new NextItemCli())
                .setExecutionExceptionHandler(new ErrorHandler())
                .execute(args);
        if (exit != 0 || !Boolean.getBoolean("nextitem.keep-jvm")) {
            System.exit(exit);
        }
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    /** Known failures print one clear line, not a stack trace; unknown ones keep theirs. */
    static final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
            if (e instanceof io.nextitem.config.InvalidConfigException
                    || e instanceof io.nextitem.model.ModelLoadException
                    || e instanceof java.io.IOException) {
                cmd.getErr().println("nextitem " + cmd.getCommandName() + ": " + e.getMessage());
                return 2;
            }
            e.printStackTrace(cmd.getErr());
            return 1;
        }
    }
}
