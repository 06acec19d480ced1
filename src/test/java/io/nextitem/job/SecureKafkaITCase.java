package io.nextitem.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nextitem.avro.ClickEvent;
import io.nextitem.avro.Recommendation;
import io.nextitem.config.JobConfig;
import io.nextitem.config.KafkaSecuritySettings;
import io.nextitem.tools.kafka.BrokerSecurity;
import io.nextitem.tools.kafka.KafkaTopics;
import io.nextitem.tools.kafka.LocalKafkaBroker;
import io.nextitem.tools.replay.ClickReplayer;
import io.nextitem.tools.replay.RecommendationReader;
import io.nextitem.testing.Clicks;
import io.nextitem.testing.DemoModel;
import io.nextitem.testing.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job against a broker that takes no unauthenticated client: SASL_SSL with SCRAM-SHA-512 on
 * one listener, TLS with a required client certificate on the other, certificates made by the
 * test (a CA of its own). Clients without credentials, with a wrong password or with a
 * certificate from another CA are refused; the job, given its secrets as files, serves every
 * click on either listener, and no log line carries a secret.
 */
class SecureKafkaITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());
    private static final String USER = "nextitem-job";
    private static final String SCRAM_PASSWORD = "scram-" + UUID.randomUUID();

    private static Path pkiDir;
    private static TestCertificates pki;
    private static LocalKafkaBroker broker;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startSecuredBroker() throws Exception {
        pkiDir = Files.createTempDirectory("nextitem-pki-");
        pki = TestCertificates.create(pkiDir);
        broker = LocalKafkaBroker.start(new BrokerSecurity(pki.brokerKeystore, pki.truststore, pki.password, USER,
                SCRAM_PASSWORD, pki.adminKeystore));
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (broker != null) {
            broker.close();
        }
        try (var files = Files.walk(pkiDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void clientsWithoutValidCredentialsAreRefused() throws Exception {
        Map<String, Object> tls = new HashMap<>(Map.of("security.protocol", "SSL", "ssl.truststore.type", "PKCS12",
                "ssl.truststore.location", pki.truststore.toString(), "ssl.truststore.password", pki.password));
        assertRefused("plaintext on the SASL_SSL listener", broker.bootstrapServers(), Map.of());
        assertRefused("plaintext on the TLS listener", broker.mtlsBootstrapServers(), Map.of());
        assertRefused("TLS without a client certificate", broker.mtlsBootstrapServers(), tls);
        Map<String, Object> stranger = new HashMap<>(tls);
        stranger.putAll(Map.of("ssl.keystore.type", "PKCS12", "ssl.keystore.location", pki.strangerKeystore.toString(),
                "ssl.keystore.password", pki.password, "ssl.key.password", pki.password));
        assertRefused("a certificate from another CA", broker.mtlsBootstrapServers(), stranger);
        Map<String, Object> wrongPassword = new HashMap<>(tls);
        wrongPassword.putAll(Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512", "sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + USER
                        + "\" password=\"not-the-password\";"));
        assertRefused("SCRAM with a wrong password", broker.bootstrapServers(), wrongPassword);
        // The control: the right password on the same listener is let in.
        Map<String, Object> right = new HashMap<>(wrongPassword);
        right.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                + USER + "\" password=\"" + SCRAM_PASSWORD + "\";");
        try (Admin admin = Admin.create(withTimeouts(broker.bootstrapServers(), right))) {
            assertThat(admin.describeCluster().nodes().get(20, TimeUnit.SECONDS)).hasSize(1);
        }
    }

    @Test
    void theJobServesEveryClickOverSaslScramWithItsSecretsInFiles() throws Exception {
        JobConfig config = config(broker.bootstrapServers());
        KafkaSecuritySettings security = config.kafka.security;
        security.protocol = "SASL_SSL";
        security.username = USER;
        security.passwordFile = Files.writeString(tmp.resolve("scram-password"), SCRAM_PASSWORD).toString();
        security.truststore = pki.truststore.toString();
        security.truststorePasswordFile = pki.passwordFile("truststore-password").toString();
        runAndCheck(config.validated(), SCRAM_PASSWORD);
    }

    @Test
    void theJobServesEveryClickOverMutualTls() throws Exception {
        JobConfig config = config(broker.mtlsBootstrapServers());
        KafkaSecuritySettings security = config.kafka.security;
        security.protocol = "SSL";
        security.truststore = pki.truststore.toString();
        security.truststorePasswordFile = pki.passwordFile("truststore-password").toString();
        security.keystore = pki.clientKeystore.toString();
        security.keystorePasswordFile = pki.passwordFile("keystore-password").toString();
        runAndCheck(config.validated(), pki.password);
    }

    private void runAndCheck(JobConfig config, String secret) throws Exception {
        Map<String, String> client = config.kafka.clientProperties();
        assertThat(String.join(" ", client.values())).as("only references to the secret are configured")
                .doesNotContain(secret).doesNotContain(pki.password);
        List<String> logged = new CopyOnWriteArrayList<>();
        try (LogCapture capture = new LogCapture(logged)) {
            KafkaTopics.create(config.kafka.bootstrapServers, client, 2, List.of(config.kafka.clicksTopic));
            KafkaTopics.create(config.kafka.bootstrapServers, client, 1,
                    List.of(config.kafka.recommendationsTopic, config.kafka.deadLetterTopic));
            Configuration flinkConf = JobEnvironment.flinkConfiguration(config);
            flinkConf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flinkConf);
            env.setParallelism(config.parallelism);
            NextItemJob.build(env, config);
            // What the dashboard shows as the job's configuration holds no secret either.
            assertThat(env.getConfiguration().toMap().toString()).doesNotContain(secret).doesNotContain(pki.password);
            JobClient job = env.executeAsync("secure-kafka");

            List<ClickEvent> clicks = new ArrayList<>();
            List<String> items = DemoModel.itemIds();
            for (int i = 0; i < 60; i++) {
                clicks.add(Clicks.click("user-" + (i % 6), items.get(i % items.size()), Clicks.T0 + i));
            }
            try (ClickReplayer producer = new ClickReplayer(config.kafka.bootstrapServers, config.kafka.clicksTopic, client)) {
                for (ClickEvent click : clicks) {
                    producer.send(click);
                }
                producer.flush();
            }
            List<Recommendation> received = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            try (RecommendationReader reader = new RecommendationReader(config.kafka.bootstrapServers,
                    config.kafka.recommendationsTopic, true, true, client)) {
                while (received.size() < clicks.size() && System.nanoTime() < deadline) {
                    received.addAll(reader.poll(Duration.ofMillis(500)));
                }
            }
            assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
            job.cancel().get();
            assertThat(received).extracting(Recommendation::getTriggerEventId)
                    .containsExactlyInAnyOrderElementsOf(clicks.stream().map(ClickEvent::getEventId).toList());
        }
        assertThat(logged).as("Kafka's client config dumps were captured").anyMatch(line -> line.contains("[hidden]"));
        assertThat(logged).as("no log line carries a secret").noneMatch(line -> line.contains(secret));
    }

    private JobConfig config(String bootstrap) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        JobConfig config = JobConfig.isolatedRun(bootstrap, "secure", run);
        config.parallelism = 2;
        config.model.registry = DemoModel.REGISTRY.toString();
        config.checkpoint.dir = Files.createDirectories(tmp.resolve("checkpoints")).toUri().toString();
        config.checkpoint.intervalMs = 1_000;
        return config;
    }

    private static void assertRefused(String what, String bootstrap, Map<String, Object> client) {
        try (Admin admin = Admin.create(withTimeouts(bootstrap, client))) {
            assertThatThrownBy(() -> admin.describeCluster().nodes().get(20, TimeUnit.SECONDS)).as(what)
                    .isInstanceOfAny(java.util.concurrent.ExecutionException.class, java.util.concurrent.TimeoutException.class);
        }
    }

    private static Map<String, Object> withTimeouts(String bootstrap, Map<String, Object> client) {
        Map<String, Object> config = new HashMap<>(client);
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 6_000);
        return config;
    }

    /** Every log event at INFO and above, formatted, while open (Kafka dumps client configs at INFO). */
    private static final class LogCapture implements AutoCloseable {
        private final LoggerContext context = (LoggerContext) LogManager.getContext(false);
        private final LoggerConfig root = context.getConfiguration().getRootLogger();
        private final Level previous = root.getLevel();
        private final AbstractAppender appender;

        LogCapture(List<String> into) {
            appender = new AbstractAppender("secret-check", null, null, true, Property.EMPTY_ARRAY) {
                @Override
                public void append(LogEvent event) {
                    into.add(event.getMessage().getFormattedMessage()
                            + (event.getThrown() == null ? "" : " " + event.getThrown()));
                }
            };
            appender.start();
            root.addAppender(appender, Level.INFO, null);
            // The console keeps showing warnings only: INFO is for the check, not for the CI log.
            console = root.getAppenders().get("console");
            if (console != null) {
                root.removeAppender("console");
                root.addAppender(console, Level.WARN, null);
            }
            root.setLevel(Level.INFO);
            context.updateLoggers();
        }

        private final org.apache.logging.log4j.core.Appender console;

        @Override
        public void close() {
            root.removeAppender("secret-check");
            if (console != null) {
                root.removeAppender("console");
                root.addAppender(console, null, null);
            }
            root.setLevel(previous);
            context.updateLoggers();
            appender.stop();
        }
    }
}
