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

    /** PLAINTEXT | SSL | SASL_SSL. */
    public String protocol = "PLAINTEXT";
    /** With SASL_SSL: SCRAM-SHA-512 (default) or SCRAM-SHA-256. */
    public String saslMechanism = "SCRAM-SHA-512";
    public String username;
    public String passwordEnv;
    public String passwordFile;
    /** PKCS12 truststore with the brokers' CA (SSL, SASL_SSL); empty = the JVM's default trust. */
    public String truststore;
    public String truststorePasswordEnv;
    public String truststorePasswordFile;
    /** PKCS12 keystore with the client's key and certificate, for mutual TLS. */
    public String keystore;
    public String keystorePasswordEnv;
    public String keystorePasswordFile;

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
        if (!PROTOCOLS.contains(protocol)) {
            errors.add("kafka.security.protocol is '" + protocol + "': use one of " + PROTOCOLS);
            return;
        }
        if ("SASL_SSL".equals(protocol)) {
            if (!MECHANISMS.contains(saslMechanism)) {
                errors.add("kafka.security.sasl-mechanism is '" + saslMechanism + "': use one of " + MECHANISMS);
            }
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
