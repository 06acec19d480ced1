package io.nextitem.tools.cluster;

import io.nextitem.tools.cluster.FlinkJvmCommand.Role;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.RestOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A standalone Flink cluster of separate JVMs on this machine, as operators run one: a JobManager
 * (session or application mode) and TaskManagers started from a {@link FlinkLayout} with the
 * command lines Flink's scripts would use ({@link FlinkJvmCommand}), each writing its log under
 * log/ and its process id under pids/, so that {@code cluster stop} from another JVM finds them.
 * Processes are hurt for real: {@link #kill} is SIGKILL.
 */
public final class StandaloneCluster implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StandaloneCluster.class);
    public static final String JOB_MANAGER = "jobmanager";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    /** How to start a cluster; every field has the shipped default. */
    public static final class Options {
        public Path home = Path.of("runs", "cluster");
        /** deploy/flink: config.yaml and the standalone overlay. */
        public Path flinkConfDir = Path.of("deploy", "flink");
        public int taskManagers = 2;
        /** Port overrides (rest.port, jobmanager.rpc.port, metrics.reporter.prom.port); null keeps the overlay's. */
        public Integer restPort;
        public Integer rpcPort;
        public String prometheusPorts;
        /** Diagnostics for tests (class-load logging); never configuration. */
        public List<String> extraJvmOptions = List.of();
        /** Started in their own session, so they outlive the command that started them. */
        public boolean detach;
        /** The job jar for usrlib/ (application mode); null for none. */
        public Path jobJar;
    }

    private final ClusterHome home;
    private final Configuration config;
    private final Options options;
    private final FlinkRestClient rest;
    private final Thread shutdownHook;
    private final Map<String, Integer> incarnations = new java.util.HashMap<>();

    private StandaloneCluster(ClusterHome home, Configuration config, Options options) {
        this.home = home;
        this.config = config;
        this.options = options;
        this.rest = new FlinkRestClient(config.get(RestOptions.ADDRESS), config.get(RestOptions.PORT));
        this.shutdownHook = options.detach ? null : new Thread(this::close, "standalone-cluster-stop");
        if (shutdownHook != null) {
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
    }

    /** Lays out and configures the cluster's folder, without starting anything. */
    public static StandaloneCluster prepare(Options options) throws IOException {
        ClusterHome home = new ClusterHome(options.home);
        List<String> running = statusOf(home).entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey)
                .toList();
        if (!running.isEmpty()) {
            throw new IOException("a cluster already runs from " + home.root() + " (" + running + " alive); "
                    + "run `deploy/bin/cluster stop --home " + options.home + "` first");
        }
        FlinkLayout.assemble(home, options.jobJar);
        Map<String, String> ports = new LinkedHashMap<>();
        if (options.restPort != null) {
            ports.put(RestOptions.PORT.key(), options.restPort.toString());
        }
        if (options.rpcPort != null) {
            ports.put("jobmanager.rpc.port", options.rpcPort.toString());
        }
        if (options.prometheusPorts != null) {
            ports.put("metrics.reporter.prom.port", options.prometheusPorts);
        }
        Configuration config = ClusterConfig.merged(options.flinkConfDir, home, ports);
        ClusterConfig.write(config, home);
        for (Path dir : List.of(home.log(), home.pids(), home.checkpoints(), home.savepoints(), home.root().resolve("tmp"))) {
            Files.createDirectories(dir);
        }
        return new StandaloneCluster(home, config, options);
    }

    /** Starts a session cluster: the JobManager, then the TaskManagers; returns once all registered. */
    public static StandaloneCluster startSession(Options options) throws IOException {
        StandaloneCluster cluster = prepare(options);
        cluster.startSessionJobManager();
        cluster.startTaskManagers();
        return cluster;
    }

    /**
     * Starts whatever of an existing cluster is down (a JobManager or TaskManager that died),
     * with the configuration it was started with; returns the names started.
     */
    public static List<String> startMissing(Path homePath) throws IOException {
        StandaloneCluster cluster = attach(homePath);
        List<String> started = new ArrayList<>();
        Map<String, Boolean> status = cluster.status();
        if (!status.getOrDefault(JOB_MANAGER, false)) {
            cluster.startSessionJobManager();
            started.add(JOB_MANAGER);
        }
        int taskManagers = 0;
        for (Map.Entry<String, Boolean> process : status.entrySet()) {
            if (process.getKey().startsWith("taskmanager-")) {
                taskManagers++;
                if (!process.getValue()) {
                    cluster.startTaskManager(process.getKey());
                    started.add(process.getKey());
                }
            }
        }
        cluster.awaitTaskManagers(taskManagers, START_TIMEOUT);
        return started;
    }

    /** The cluster whose folder is {@code home}, as a later command sees it (for stop and status). */
    public static StandaloneCluster attach(Path homePath) throws IOException {
        ClusterHome home = new ClusterHome(homePath);
        if (!Files.isRegularFile(home.conf().resolve(ClusterConfig.BASE))) {
            throw new IOException("no cluster in " + home.root() + " (no conf/config.yaml); `deploy/bin/cluster start` makes one");
        }
        Options options = new Options();
        options.home = homePath;
        options.detach = true;
        return new StandaloneCluster(home, GlobalConfiguration.loadConfiguration(home.conf().toString()), options);
    }

    /** Starts the JobManager in session mode, or in application mode with the entry point's arguments. */
    public void startJobManager(String entryPoint, List<String> entryPointArgs) throws IOException {
        start(JOB_MANAGER, Role.JOB_MANAGER, entryPoint, entryPointArgs);
        awaitRest(START_TIMEOUT);
    }

    /** Starts the JobManager in session mode (after {@link #prepare}, or again after it died). */
    public void startSessionJobManager() throws IOException {
        startJobManager(FlinkJvmCommand.SESSION_ENTRY_POINT, List.of());
    }

    /** Starts the configured number of TaskManagers and waits for them to register. */
    public void startTaskManagers() throws IOException {
        for (int i = 1; i <= options.taskManagers; i++) {
            startTaskManager(taskManagerName(i));
        }
        awaitTaskManagers(options.taskManagers, START_TIMEOUT);
    }

    /**
     * Starts a TaskManager process. A restarted one registers under a new resource id (as a
     * replaced pod does): reusing the dead one's would let the JobManager's late heartbeat
     * timeout for the dead process fail the tasks it has since deployed to the new one.
     */
    public void startTaskManager(String name) throws IOException {
        int incarnation = incarnations.merge(name, 1, Integer::sum);
        boolean replacesADeadOne = incarnation > 1 || Files.exists(home.pidFile(name));
        String resourceId = replacesADeadOne ? name + "-" + Instant.now().getEpochSecond() + "-" + incarnation : name;
        start(name, Role.TASK_MANAGER, FlinkJvmCommand.TASK_MANAGER, List.of("-D", "taskmanager.resource-id=" + resourceId));
    }

    public static String taskManagerName(int index) {
        return "taskmanager-" + index;
    }

    private void start(String name, Role role, String mainClass, List<String> args) throws IOException {
        if (process(name).isPresent()) {
            throw new IOException(name + " already runs (pid " + process(name).get().pid() + ")");
        }
        List<String> command = new ArrayList<>();
        if (options.detach) {
            command.add("setsid");   // its own session: a terminal's hangup does not reach it
        }
        command.addAll(FlinkJvmCommand.build(home, config, role, name, mainClass, options.extraJvmOptions, args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.root().toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(home.outFile(name).toFile()));
        FlinkJvmCommand.exportEnvironment(home, builder.environment());
        Process process = builder.start();
        Files.writeString(home.pidFile(name), Long.toString(process.pid()));
        LOG.info("Started {} (pid {}), log {}", name, process.pid(), home.logFile(name));
    }

    /** SIGKILL, as when the machine under a process dies; waits until it is gone. */
    public void kill(String name) throws IOException {
        ProcessHandle process = process(name).orElseThrow(() -> new IOException(name + " is not running"));
        process.destroyForcibly();
        awaitExit(process, Duration.ofSeconds(30));
        // The pid file stays: status shows the process down, and start --missing brings it back.
    }

    /** SIGTERM (Flink shuts down cleanly), then SIGKILL after 30 s. */
    public void stop(String name) throws IOException {
        Optional<ProcessHandle> process = process(name);
        if (process.isPresent()) {
            process.get().destroy();
            if (!awaitExit(process.get(), Duration.ofSeconds(30))) {
                process.get().destroyForcibly();
                awaitExit(process.get(), Duration.ofSeconds(10));
            }
        }
        Files.deleteIfExists(home.pidFile(name));
    }

    /** The live process of that name, if any. */
    public Optional<ProcessHandle> process(String name) throws IOException {
        return processOf(home, name);
    }

    /** Every process of the cluster with its state (alive or not), from pids/. */
    public Map<String, Boolean> status() throws IOException {
        return statusOf(home);
    }

    private static Map<String, Boolean> statusOf(ClusterHome home) throws IOException {
        Map<String, Boolean> status = new LinkedHashMap<>();
        if (Files.isDirectory(home.pids())) {
            try (var files = Files.list(home.pids())) {
                for (Path file : files.sorted().toList()) {
                    String name = file.getFileName().toString().replace(".pid", "");
                    status.put(name, processOf(home, name).isPresent());
                }
            }
        }
        return status;
    }

    private static Optional<ProcessHandle> processOf(ClusterHome home, String name) throws IOException {
        Path pidFile = home.pidFile(name);
        if (!Files.isRegularFile(pidFile)) {
            return Optional.empty();
        }
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        // A recycled pid belongs to another program: ours run Java with this home's config dir.
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(p -> commandLine(pid).contains(home.conf().toString()));
    }

    private static String commandLine(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** Waits until {@code count} TaskManagers are registered with the JobManager. */
    public void awaitTaskManagers(int count, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (rest.isUp() && rest.taskManagers().path("taskmanagers").size() == count) {
                return;
            }
            pause(Duration.ofMillis(250));
        }
        throw new IOException(count + " TaskManagers not registered within " + timeout + "; see " + home.log());
    }

    private void awaitRest(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (rest.isUp()) {
                return;
            }
            if (process(JOB_MANAGER).isEmpty()) {
                throw new IOException("the JobManager exited while starting; " + home.outFile(JOB_MANAGER) + ":\n"
                        + tail(home.outFile(JOB_MANAGER)) + "\n" + tail(home.logFile(JOB_MANAGER)));
            }
            pause(Duration.ofMillis(250));
        }
        throw new IOException("the JobManager's REST endpoint " + rest.base() + " did not answer within " + timeout
                + "; see " + home.logFile(JOB_MANAGER));
    }

    /**
     * Runs Flink's own CLI ({@code flink ...}: CliFrontend in a client JVM configured like the
     * cluster) and returns its exit code and output.
     */
    public CliResult runCli(List<String> cliArgs, Duration timeout) throws IOException {
        List<String> command = FlinkJvmCommand.build(home, config, Role.CLIENT, "client", FlinkJvmCommand.CLI_FRONTEND,
                List.of(), cliArgs);
        Path out = home.log().resolve("client-" + System.nanoTime() + ".out");
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.root().toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile());
        FlinkJvmCommand.exportEnvironment(home, builder.environment());
        Process process = builder.start();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IOException("flink " + cliArgs + " did not finish within " + timeout + ":\n" + Files.readString(out));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        return new CliResult(process.exitValue(), Files.readString(out));
    }

    /** What Flink's CLI printed and how it exited. */
    public record CliResult(int exitCode, String output) {}

    public FlinkRestClient rest() {
        return rest;
    }

    public ClusterHome home() {
        return home;
    }

    public Configuration config() {
        return config;
    }

    /** Stops every process of the cluster (TaskManagers first). */
    @Override
    public void close() {
        try {
            List<String> names = new ArrayList<>(status().keySet());
            names.sort((a, b) -> a.equals(JOB_MANAGER) ? 1 : b.equals(JOB_MANAGER) ? -1 : a.compareTo(b));
            for (String name : names) {
                stop(name);
            }
        } catch (IOException e) {
            LOG.warn("stopping the cluster in {}: {}", home.root(), e.getMessage());
        }
        if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook runs anyway
            }
        }
    }

    static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(" + file + " unreadable: " + e.getMessage() + ")";
        }
    }

    private static boolean awaitExit(ProcessHandle process, Duration timeout) {
        try {
            process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (Exception e) {
            return !process.isAlive();
        }
    }

    private static void pause(Duration duration) throws IOException {
        try {
            Thread.sleep(duration.toMillis());   // start-up has no event to wait on from outside the process
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
