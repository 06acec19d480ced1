package io.nextitem.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The job's command line, the entry class of {@code nextitem-job.jar} on a cluster ({@code flink
 * run}, REST submission, application mode): {@code run} and the operator's {@code model} command.
 * {@code nextitem.jar} adds the tools to the same command line ({@code io.nextitem.tools.cli}).
 */
@Command(name = "nextitem", mixinStandardHelpOptions = true, version = "nextitem 0.1.0",
        description = "Streaming next-item recommender on Kafka and Flink.",
        subcommands = {RunCommand.class, ModelCommand.class, ItemsCommand.class})
public final class NextItemCli implements Runnable {
    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        execute(commandLine(), args, NextItemCli.class);
    }

    /** The job's commands; a caller may add its own subcommands before {@link #execute}. */
    public static CommandLine commandLine() {
        return new CommandLine(new NextItemCli());
    }

    /**
     * Runs the command line as {@code entryClass}'s main: exits when the JVM launcher started that
     * main, and throws on a failure when someone else's process (Flink) called it.
     */
    public static void execute(CommandLine cli, String[] args, Class<?> entryClass) {
        boolean ownJvm = JvmEntryPoint.calledByJvmLauncher(entryClass);
        StringWriter errors = new StringWriter();
        // Set after every subcommand was added: picocli hands these settings to the subcommands present.
        cli.setExecutionExceptionHandler(new ErrorHandler());
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
        // The command line this runs in, with whatever subcommands its caller added.
        spec.commandLine().usage(spec.commandLine().getOut());
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
