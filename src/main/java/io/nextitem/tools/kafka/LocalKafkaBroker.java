package io.nextitem.tools.kafka;

import io.nextitem.tools.WorkFolders;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, broker and controller in one process) in a JVM of
 * its own, for the demo and the ITCases: no Docker, no mocks. Its classpath comes from the
 * build ({@code target/kafka-broker.classpath}, see src/broker/pom.xml), its data from a temp
 * directory that {@link #close()} deletes.
 */
public final class LocalKafkaBroker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalKafkaBroker.class);
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(90);

    private final Path workDir;
    private final int brokerPort;
    /** The port clients are told to use: the broker's own, or a proxy's in front of it. */
    private final int advertisedPort;
    /** With security: the mutual-TLS listener's port (brokerPort is then SASL_SSL); else 0. */
    private final int mtlsPort;
    /** Client settings this broker requires (empty for PLAINTEXT), used for its own readiness check. */
    private final Map<String, Object> adminProperties;
    private final List<String> serveCommand;
    /** The broker's process; replaced by {@link #restart}. */
    private volatile Process process;
    private final Thread shutdownHook;

    private LocalKafkaBroker(Path workDir, int brokerPort, int advertisedPort, int mtlsPort,
                             Map<String, Object> adminProperties, List<String> serveCommand) throws IOException {
        this.workDir = workDir;
        this.brokerPort = brokerPort;
        this.advertisedPort = advertisedPort;
        this.mtlsPort = mtlsPort;
        this.adminProperties = Map.copyOf(adminProperties);
        this.serveCommand = List.copyOf(serveCommand);
        this.process = launch();
        this.shutdownHook = new Thread(() -> process.destroyForcibly(), "kafka-broker-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    private Process launch() throws IOException {
        return new ProcessBuilder(serveCommand)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(workDir.resolve("broker.log").toFile()))
                .start();
    }

    /** Formats storage, starts the broker and returns once it answers an admin request. */
    public static LocalKafkaBroker start() throws IOException, InterruptedException {
        return start(null);
    }

    /**
     * As {@link #start()}, but secured: clients must authenticate, on a SASL_SSL listener
     * (SCRAM-SHA-512, the user of {@code security}; {@link #bootstrapServers()}) or on a TLS
     * listener that requires a client certificate signed by the CA ({@link #mtlsBootstrapServers()}).
     * No listener takes unauthenticated clients.
     */
    public static LocalKafkaBroker start(BrokerSecurity security) throws IOException, InterruptedException {
        return start(security, null);
    }

    /**
     * As {@link #start()}, but clients reach the broker through {@code proxy} (its port is the
     * advertised listener; the proxy forwards to the broker's own port), so the suite can cut
     * the network between them without stopping anything.
     */
    public static LocalKafkaBroker startBehind(NetworkCutProxy proxy) throws IOException, InterruptedException {
        return start(null, proxy);
    }

    private static LocalKafkaBroker start(BrokerSecurity security, NetworkCutProxy proxy)
            throws IOException, InterruptedException {
        String classpath = BrokerClasspath.read();
        Path workDir = Files.createTempDirectory("nextitem-kafka-");
        int brokerPort = freePort();
        int advertisedPort = brokerPort;
        if (proxy != null) {
            proxy.forwardTo(brokerPort);
            advertisedPort = proxy.port();
        }
        int controllerPort = freePort();
        int mtlsPort = security == null ? 0 : freePort();
        Path properties = writeServerProperties(workDir, brokerPort, advertisedPort, controllerPort, mtlsPort, security);
        Path log4j = writeLog4jConfig(workDir);

        List<String> format = javaCommand(classpath, log4j);
        format.addAll(List.of("kafka.tools.StorageTool", "format", "--ignore-formatted",
                "-t", randomClusterId(), "-c", properties.toString()));
        if (security != null) {
            format.addAll(List.of("--add-scram", "SCRAM-SHA-512=[name=" + security.scramUser() + ",password="
                    + security.scramPassword() + "]"));
        }
        runToCompletion(format, workDir.resolve("format.log"));

        List<String> serve = javaCommand(classpath, log4j);
        serve.addAll(List.of("kafka.Kafka", properties.toString()));
        Map<String, Object> admin = security == null ? Map.of() : security.mtlsClientProperties();
        LocalKafkaBroker broker = new LocalKafkaBroker(workDir, brokerPort, advertisedPort, mtlsPort, admin, serve);
        try {
            broker.awaitReady();
        } catch (IOException | InterruptedException | RuntimeException e) {
            broker.close();
            throw e;
        }
        LOG.info("Kafka broker up at {} (pid {}, data in {})", broker.bootstrapServers(), broker.process.pid(), workDir);
        return broker;
    }

    /** The mutual-TLS listener of a secured broker. */
    public String mtlsBootstrapServers() {
        if (mtlsPort == 0) {
            throw new IllegalStateException("this broker was started without security");
        }
        return "localhost:" + mtlsPort;
    }

    /**
     * Kills the broker the way a crash does (SIGKILL: no controlled shutdown, open transactions
     * and connections cut off), keeps it down for {@code downtime}, then starts it again on the
     * same port and data and returns once it answers. For the reliability suite.
     */
    public void restart(Duration downtime) throws IOException, InterruptedException {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        Thread.sleep(downtime.toMillis());
        process = launch();
        awaitReady();
        LOG.info("Kafka broker back at {} (pid {}) after {} s down", bootstrapServers(), process.pid(),
                downtime.toSeconds());
    }

    public String bootstrapServers() {
        return "localhost:" + advertisedPort;
    }

    private void awaitReady() throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(STARTUP_TIMEOUT);
        Map<String, Object> config = new java.util.HashMap<>(adminProperties);
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, mtlsPort == 0 ? bootstrapServers() : mtlsBootstrapServers());
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
        try (Admin admin = Admin.create(config)) {
            while (true) {
                if (!process.isAlive()) {
                    throw new IOException("Kafka broker exited with " + process.exitValue() + " during startup; see "
                            + workDir.resolve("broker.log") + ":\n" + tail(workDir.resolve("broker.log")));
                }
                try {
                    admin.describeCluster().nodes().get(3, TimeUnit.SECONDS);
                    return;
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    if (Instant.now().isAfter(deadline)) {
                        throw new IOException("Kafka broker did not answer within " + STARTUP_TIMEOUT.toSeconds()
                                + " s; see " + workDir.resolve("broker.log"), e);
                    }
                    Thread.sleep(200);
                }
            }
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook will run anyway
        }
        deleteRecursively(workDir);
    }

    private static Path writeServerProperties(Path dir, int brokerPort, int advertisedPort, int controllerPort,
                                              int mtlsPort, BrokerSecurity security) throws IOException {
        List<String> listeners = security == null
                ? List.of("listeners=PLAINTEXT://localhost:" + brokerPort + ",CONTROLLER://localhost:" + controllerPort,
                        "advertised.listeners=PLAINTEXT://localhost:" + advertisedPort,
                        "inter.broker.listener.name=PLAINTEXT",
                        "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT")
                : security.listenerProperties(brokerPort, mtlsPort, controllerPort);
        String text = String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@localhost:" + controllerPort,
                String.join("\n", listeners),
                "controller.listener.names=CONTROLLER",
                "log.dirs=" + dir.resolve("data"),
                "num.partitions=1",
                "auto.create.topics.enable=false",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "transaction.state.log.num.partitions=1",
                "group.initial.rebalance.delay.ms=0",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                // Records carry their event time as timestamp, and replayed datasets are years
                // old: time-based retention (7 days by default) would delete them at the broker's
                // first retention pass, mid-run. This broker is for the demo and tests, so it
                // keeps everything; the pass runs every 2 s so that a retention mistake shows at
                // once instead of as a flake 30 s or 5 min into a run.
                "log.retention.ms=-1",
                "log.initial.task.delay.ms=1000",
                "log.retention.check.interval.ms=2000",
                "") ;
        Path file = dir.resolve("server.properties");
        Files.writeString(file, text);
        return file;
    }

    private static Path writeLog4jConfig(Path dir) throws IOException {
        Path file = dir.resolve("log4j2.properties");
        Files.writeString(file, String.join("\n",
                "rootLogger.level=WARN",
                "rootLogger.appenderRef.console.ref=console",
                "appender.console.type=Console",
                "appender.console.name=console",
                "appender.console.layout.type=PatternLayout",
                "appender.console.layout.pattern=%d %p %c{1}: %m%n",
                ""));
        return file;
    }

    private static List<String> javaCommand(String classpath, Path log4j) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xms128m", "-Xmx768m", "-XX:+UseSerialGC",
                "-Dlog4j2.configurationFile=" + log4j, "-cp", classpath));
        return command;
    }

    private static void runToCompletion(List<String> command, Path log) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("formatting Kafka storage failed; see " + log + ":\n" + tail(log));
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    /**
     * A cluster id the storage tool accepts. URL-safe base64 can begin with '-', and the tool's
     * argument parser then reads the id as an option and fails (1 start in 64); Kafka's own
     * {@code Uuid.randomUuid} redraws in that case, and so do we.
     */
    static String randomClusterId() {
        SecureRandom random = new SecureRandom();
        byte[] uuid = new byte[16];
        String id;
        do {
            random.nextBytes(uuid);
            id = Base64.getUrlEncoder().withoutPadding().encodeToString(uuid);
        } while (id.startsWith("-"));
        return id;
    }

    /** A port nothing listens on right now (the OS picks it). */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    private static void deleteRecursively(Path dir) {
        try {
            WorkFolders.deleteRecursively(dir);
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("could not delete {}: {}", dir, e.getMessage());
        }
    }
}
