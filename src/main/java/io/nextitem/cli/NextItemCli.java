package io.nextitem.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar nextitem.jar <command>}: the job, the demo and the Kafka tools. */
@Command(name = "nextitem", mixinStandardHelpOptions = true, version = "nextitem 0.1.0",
        description = "Streaming next-item recommender on Kafka and Flink.",
        subcommands = {RunCommand.class, DemoCommand.class, ReplayCommand.class, TailCommand.class,
                BenchEncoderCommand.class, BenchCommand.class, ReliabilityCommand.class, ModelCommand.class,
                ClusterCommand.class, SoakCommand.class, ConfigCommand.class})
public final class NextItemCli implements Runnable {

    public static void main(String[] args) {
        boolean ownJvm = JvmEntryPoint.calledByJvmLauncher();
        StringWriter errors = new StringWriter();
        CommandLine cli = new CommandLine(new NextItemCli()).setExecutionExceptionHandler(new ErrorHandler());
        if (!ownJvm) {
            cli.setErr(new PrintWriter(new TeeWriter(errors, new PrintWriter(System.err, true)), true));
        }
        int exit = cli.execute(args);
        if (ownJvm) {
            // Non-daemon threads (a local cluster's, Kafka clients') would keep our own JVM alive.
            System.exit(exit);
        }
        // Inside Flink (REST submission, application mode, `flink run`) the caller owns the JVM:
        // a failure is thrown so that Flink reports it (in the REST reply, in the CLI), never exit.
        if (exit != 0) {
            throw new IllegalStateException("nextitem " + (args.length > 0 ? args[0] : "")
                    + " failed (exit " + exit + "): " + errors.toString().strip());
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
                    || e instanceof io.nextitem.job.BusyPortException
                    || e instanceof java.io.IOException) {
                cmd.getErr().println("nextitem " + cmd.getCommandName() + ": " + e.getMessage());
                return 2;
            }
            e.printStackTrace(cmd.getErr());
            return 1;
        }
    }

    /** Copies what the CLI prints on stderr into the exception a cluster reports. */
    private static final class TeeWriter extends Writer {
        private final Writer first;
        private final Writer second;

        TeeWriter(Writer first, Writer second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public void write(char[] chars, int offset, int length) throws java.io.IOException {
            first.write(chars, offset, length);
            second.write(chars, offset, length);
        }

        @Override
        public void flush() throws java.io.IOException {
            first.flush();
            second.flush();
        }

        @Override
        public void close() throws java.io.IOException {
            flush();
        }
    }
}
