package io.nextitem.config;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the job authenticates to Kafka: PLAINTEXT (the default, for a local broker), SSL (TLS;
 * with a keystore it is mutual TLS, the client proven by its certificate) or SASL_SSL (TLS plus
 * a SCRAM user name and password).
 *
 * <p>Secrets never sit in this config, in the job graph or on the Flink dashboard: each is named
 * by an environment variable ({@code *-env}) or a file holding only the secret ({@code *-file},
 * a Kubernetes or Docker secret mount), and the config carries a Kafka config-provider reference
 * ({@code ${env:NAME}}, {@code ${dir:/folder:file}}) that the Kafka client resolves where it
 * runs, on the task manager. Kafka logs password-typed settings as [hidden].
 */
public class KafkaSecuritySettings implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final List<String> PROTOCOLS = List.of("PLAINTEXT", "SSL", "SASL_SSL");
    private static final List<String> MECHANISMS = List.of("SCRAM-SHA-512", "SCRAM-SHA-256");

    static final Setting.Section<KafkaSecuritySettings> SECTION =
            Setting.Section.of("kafka.security", config -> config.kafka.security);
    static final Setting<KafkaSecuritySettings, String> PROTOCOL = SECTION.key("protocol").stringType()
            .defaultValue("PLAINTEXT")
            .withDescription("PLAINTEXT (a local broker), SSL (TLS; with a keystore it is mutual TLS) or SASL_SSL "
                    + "(TLS plus a SCRAM user name and password).")
            .checkedBy(ConfigChecks.oneOf(PROTOCOLS))
            .field(s -> s.protocol, (s, v) -> s.protocol = v);
    static final Setting<KafkaSecuritySettings, String> SASL_MECHANISM = SECTION.key("sasl-mechanism").stringType()
            .defaultValue("SCRAM-SHA-512")
            .withDescription("With SASL_SSL: SCRAM-SHA-512 or SCRAM-SHA-256.")
            .checkedBy(ConfigChecks.oneOf(MECHANISMS))
            .checkedOnlyWhen(s -> "SASL_SSL".equals(s.protocol), "with SASL_SSL")
            .field(s -> s.saslMechanism, (s, v) -> s.saslMechanism = v);
    static final Setting<KafkaSecuritySettings, String> USERNAME = SECTION.key("username").stringType()
            .noDefaultValue()
            .withDescription("The SCRAM user name (required with SASL_SSL).")
            .field(s -> s.username, (s, v) -> s.username = v);
    static final Setting<KafkaSecuritySettings, String> PASSWORD_ENV = secretEnv("password-env", "the SCRAM password",
            s -> s.passwordEnv, (s, v) -> s.passwordEnv = v);
    static final Setting<KafkaSecuritySettings, String> PASSWORD_FILE = secretFile("password-file", "the SCRAM password",
            s -> s.passwordFile, (s, v) -> s.passwordFile = v);
    static final Setting<KafkaSecuritySettings, String> TRUSTSTORE = SECTION.key("truststore").stringType()
            .noDefaultValue()
            .withDescription("PKCS12 truststore with the brokers' CA (SSL, SASL_SSL); null = the JVM's default trust.")
            .field(s -> s.truststore, (s, v) -> s.truststore = v);
    static final Setting<KafkaSecuritySettings, String> TRUSTSTORE_PASSWORD_ENV = secretEnv("truststore-password-env",
            "the truststore's password", s -> s.truststorePasswordEnv, (s, v) -> s.truststorePasswordEnv = v);
    static final Setting<KafkaSecuritySettings, String> TRUSTSTORE_PASSWORD_FILE = secretFile("truststore-password-file",
            "the truststore's password", s -> s.truststorePasswordFile, (s, v) -> s.truststorePasswordFile = v);
    static final Setting<KafkaSecuritySettings, String> KEYSTORE = SECTION.key("keystore").stringType()
            .noDefaultValue()
            .withDescription("PKCS12 keystore with the client's key and certificate, for mutual TLS.")
            .field(s -> s.keystore, (s, v) -> s.keystore = v);
    static final Setting<KafkaSecuritySettings, String> KEYSTORE_PASSWORD_ENV = secretEnv("keystore-password-env",
            "the keystore's password", s -> s.keystorePasswordEnv, (s, v) -> s.keystorePasswordEnv = v);
    static final Setting<KafkaSecuritySettings, String> KEYSTORE_PASSWORD_FILE = secretFile("keystore-password-file",
            "the keystore's password", s -> s.keystorePasswordFile, (s, v) -> s.keystorePasswordFile = v);
    static final List<Setting<KafkaSecuritySettings, ?>> SETTINGS = List.of(PROTOCOL, SASL_MECHANISM, USERNAME,
            PASSWORD_ENV, PASSWORD_FILE, TRUSTSTORE, TRUSTSTORE_PASSWORD_ENV, TRUSTSTORE_PASSWORD_FILE, KEYSTORE,
            KEYSTORE_PASSWORD_ENV, KEYSTORE_PASSWORD_FILE);

    public String protocol = PROTOCOL.defaultValue();
    public String saslMechanism = SASL_MECHANISM.defaultValue();
    public String username = USERNAME.defaultValue();
    public String passwordEnv = PASSWORD_ENV.defaultValue();
    public String passwordFile = PASSWORD_FILE.defaultValue();
    public String truststore = TRUSTSTORE.defaultValue();
    public String truststorePasswordEnv = TRUSTSTORE_PASSWORD_ENV.defaultValue();
    public String truststorePasswordFile = TRUSTSTORE_PASSWORD_FILE.defaultValue();
    public String keystore = KEYSTORE.defaultValue();
    public String keystorePasswordEnv = KEYSTORE_PASSWORD_ENV.defaultValue();
    public String keystorePasswordFile = KEYSTORE_PASSWORD_FILE.defaultValue();

    private static Setting<KafkaSecuritySettings, String> secretEnv(String name, String secret,
            java.util.function.Function<KafkaSecuritySettings, String> get,
            java.util.function.BiConsumer<KafkaSecuritySettings, String> set) {
        return SECTION.key(name).stringType().noDefaultValue()
                .withDescription("The environment variable holding " + secret + " (or the -file key; not both).")
                .field(get, set);
    }

    private static Setting<KafkaSecuritySettings, String> secretFile(String name, String secret,
            java.util.function.Function<KafkaSecuritySettings, String> get,
            java.util.function.BiConsumer<KafkaSecuritySettings, String> set) {
        return SECTION.key(name).stringType().noDefaultValue()
                .withDescription("A file holding only " + secret + ", no trailing newline (a Kubernetes or Docker "
                        + "secret mount; or the -env key; not both).")
                .field(get, set);
    }

    /** The Kafka client settings this stands for, with secrets as config-provider references. */
    public Map<String, String> clientProperties() {
        Map<String, String> props = new LinkedHashMap<>();
        if ("PLAINTEXT".equals(protocol)) {
            return props;
        }
        props.put("security.protocol", protocol);
        props.put("config.providers", "env,dir");
        props.put("config.providers.env.class", "org.apache.kafka.common.config.provider.EnvVarConfigProvider");
        props.put("config.providers.dir.class", "org.apache.kafka.common.config.provider.DirectoryConfigProvider");
        if (truststore != null && !truststore.isBlank()) {
            props.put("ssl.truststore.type", "PKCS12");
            props.put("ssl.truststore.location", truststore);
            props.put("ssl.truststore.password", secretReference(truststorePasswordEnv, truststorePasswordFile));
        }
        if (keystore != null && !keystore.isBlank()) {
            String password = secretReference(keystorePasswordEnv, keystorePasswordFile);
            props.put("ssl.keystore.type", "PKCS12");
            props.put("ssl.keystore.location", keystore);
            props.put("ssl.keystore.password", password);
            props.put("ssl.key.password", password);
        }
        if ("SASL_SSL".equals(protocol)) {
            props.put("sasl.mechanism", saslMechanism);
            props.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                    + username + "\" password=\"" + secretReference(passwordEnv, passwordFile) + "\";");
        }
        return props;
    }

    /** A Kafka config-provider reference to the secret: an environment variable, else the file's content. */
    static String secretReference(String env, String file) {
        if (env != null && !env.isBlank()) {
            return "${env:" + env + "}";
        }
        if (file == null || file.isBlank()) {
            return null;
        }
        java.nio.file.Path path = java.nio.file.Path.of(file).toAbsolutePath();
        return "${dir:" + path.getParent() + ":" + path.getFileName() + "}";
    }

    void validate(List<String> errors) {
        Setting.checkAll(SETTINGS, this, errors);
        if (!PROTOCOLS.contains(protocol)) {
            return; // the protocol's own check says what to write; the rest depends on it
        }
        if ("SASL_SSL".equals(protocol)) {
            if (username == null || username.isBlank()) {
                errors.add("kafka.security.username is required with SASL_SSL");
            }
            oneSecret(errors, "password", passwordEnv, passwordFile);
        }
        boolean hasTruststore = truststore != null && !truststore.isBlank();
        if (hasTruststore) {
            oneSecret(errors, "truststore-password", truststorePasswordEnv, truststorePasswordFile);
        }
        boolean hasKeystore = keystore != null && !keystore.isBlank();
        if (hasKeystore) {
            oneSecret(errors, "keystore-password", keystorePasswordEnv, keystorePasswordFile);
        }
        if ("PLAINTEXT".equals(protocol) && (hasTruststore || hasKeystore || username != null)) {
            errors.add("kafka.security: a truststore, keystore or username is set but protocol is PLAINTEXT; "
                    + "set kafka.security.protocol to SSL or SASL_SSL");
        }
    }

    private static void oneSecret(List<String> errors, String name, String env, String file) {
        boolean hasEnv = env != null && !env.isBlank();
        boolean hasFile = file != null && !file.isBlank();
        if (hasEnv && hasFile) {
            errors.add("kafka.security." + name + "-env and -file are both set: choose one");
        } else if (!hasEnv && !hasFile) {
            errors.add("kafka.security." + name + "-env or " + name + "-file is required (the secret itself is never "
                    + "written in the config)");
        } else if (hasFile && !java.nio.file.Files.isReadable(java.nio.file.Path.of(file))) {
            errors.add("kafka.security." + name + "-file " + file + " is not a readable file");
        }
    }
}
