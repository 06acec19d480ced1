package io.nextitem.tools.cli;

import io.nextitem.tools.docs.DocsFigures;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code docs tables [--check]}: the docs' tables that the job's tools print from result files. */
@Command(name = "docs", mixinStandardHelpOptions = true, description = "The docs' generated figures.",
        subcommands = DocsCommand.Tables.class)
final class DocsCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(name = "tables", mixinStandardHelpOptions = true,
            description = "Rewrite every table in docs/ that a tool prints from a result file (reliability, soak, "
                    + "catalogue and state scaling, approximate search), between its generator markers; the rest of "
                    + "each page is kept. The trainer's results-table does the quality and streaming tables; "
                    + "deploy/bin/docs-tables runs both.")
    static final class Tables implements Callable<Integer> {
        @Option(names = "--check", description = "Write nothing; exit 1 naming each table that differs from its file.")
        boolean check;

        @Option(names = "--root", defaultValue = ".", description = "The repository root. Default: ${DEFAULT-VALUE}.")
        Path root;

        @Override
        public Integer call() throws Exception {
            if (check) {
                List<String> stale = DocsFigures.stale(root);
                stale.forEach(t -> System.err.println(t + ": differs from its result file (rewrite it with docs tables)"));
                System.out.println(DocsFigures.all().size() - stale.size() + " of " + DocsFigures.all().size()
                        + " tables are what their result files print");
                return stale.isEmpty() ? 0 : 1;
            }
            List<String> changed = DocsFigures.write(root);
            System.out.println(changed.isEmpty() ? "every table is current" : "rewrote " + String.join(", ", changed));
            return 0;
        }
    }
}
