package io.nextitem.tools.cli;

import io.nextitem.tools.cluster.StandaloneCluster;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cluster start|stop|status|submit}: a standalone Flink cluster of separate JVMs on this machine. */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = "A standalone Flink 2.2 cluster of separate JVMs on this machine, laid out and configured as the "
                + "job image (deploy/flink/config.yaml plus deploy/flink/standalone-overlay.yaml): one JobManager with "
                + "the dashboard, TaskManagers with two slots each.",
        subcommands = {ClusterCommand.Start.class, ClusterCommand.Stop.class, ClusterCommand.Status.class,
                ClusterCommand.Submit.class})
final class ClusterCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    static class HomeOption {
        @Option(names = "--home", defaultValue = "runs/cluster", description = "The cluster's folder. Default: ${DEFAULT-VALUE}.")
        Path home;
    }

    @Command(name = "start", mixinStandardHelpOptions = true, description = "Start the JobManager and the TaskManagers.")
    static final class Start implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        HomeOption home = new HomeOption();

        @Option(names = "--task-managers", defaultValue = "2", description = "Default: ${DEFAULT-VALUE}.")
        int taskManagers;

        @Option(names = "--rest-port", description = "Dashboard and REST port. Default: the overlay's (8081).")
        Integer restPort;

        @Option(names = "--flink-conf", defaultValue = "deploy/flink", description = "Folder of config.yaml and the overlay. Default: ${DEFAULT-VALUE}.")
        Path flinkConf;

        @Option(names = "--missing", description = "Start only what of the existing cluster is down (a JobManager or "
                + "TaskManager that died), with its configuration.")
        boolean missing;

        @Override
        public Integer call() throws Exception {
            if (missing) {
                System.out.println("started " + StandaloneCluster.startMissing(home.home));
                return 0;
            }
            StandaloneCluster.Options options = new StandaloneCluster.Options();
            options.home = home.home;
            options.taskManagers = taskManagers;
            options.restPort = restPort;
            options.flinkConfDir = flinkConf;
            options.detach = true;
            StandaloneCluster cluster = StandaloneCluster.startSession(options);
            System.out.printf("Flink cluster up: dashboard %s, %d TaskManagers, logs in %s%n", cluster.rest().base(),
                    taskManagers, cluster.home().log());
            return 0;
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true, description = "Stop every process of the cluster.")
    static final class Stop implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        HomeOption home = new HomeOption();

        @Override
        public Integer call() throws Exception {
            StandaloneCluster cluster = StandaloneCluster.attach(home.home);
            Map<String, Boolean> before = cluster.status();
            cluster.close();
            System.out.println("stopped " + before.entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey).toList());
            return 0;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Each process (alive or not), the TaskManagers registered and the jobs; exit 1 if a process is down.")
    static final class Status implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        HomeOption home = new HomeOption();

        @Override
        public Integer call() throws Exception {
            StandaloneCluster cluster = StandaloneCluster.attach(home.home);
            Map<String, Boolean> status = cluster.status();
            status.forEach((name, alive) -> System.out.printf("%-16s %s%n", name, alive ? "running" : "down"));
            if (cluster.rest().isUp()) {
                System.out.printf("dashboard %s: %d TaskManagers registered%n", cluster.rest().base(),
                        cluster.rest().taskManagers().path("taskmanagers").size());
                cluster.rest().jobs().path("jobs").forEach(job -> System.out.printf("job %s %s %s%n",
                        job.path("jid").asText(), job.path("name").asText(), job.path("state").asText()));
            } else {
                System.out.println("dashboard " + cluster.rest().base() + " not answering");
            }
            return status.containsValue(false) || status.isEmpty() ? 1 : 0;
        }
    }

    @Command(name = "submit", mixinStandardHelpOptions = true,
            description = "Upload a job jar through the REST API and run it, as the dashboard's \"Submit New Job\" does; "
                    + "prints the job id.")
    static final class Submit implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        HomeOption home = new HomeOption();

        @Option(names = "--jar", defaultValue = "target/nextitem-job.jar", description = "Default: ${DEFAULT-VALUE}.")
        Path jar;

        @Option(names = "--entry-class", defaultValue = "io.nextitem.cli.NextItemCli")
        String entryClass;

        @Option(names = "--parallelism", description = "Default: the job config's.")
        Integer parallelism;

        @Option(names = "--from-savepoint", description = "Resume from this savepoint or retained checkpoint.")
        String savepoint;

        @Parameters(description = "The program's arguments, e.g. run --config deploy/nextitem.yaml")
        List<String> programArgs = List.of();

        @Override
        public Integer call() throws Exception {
            StandaloneCluster cluster = StandaloneCluster.attach(home.home);
            String jarId = cluster.rest().uploadJar(jar);
            String jobId = cluster.rest().runJar(jarId, entryClass, programArgs, parallelism, savepoint);
            System.out.println(jobId);
            return 0;
        }
    }
}
