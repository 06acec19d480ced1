package io.nextitem.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaSecuritySettingsTest {
    @TempDir
    Path tmp;

    @Test
    void plaintextAddsNoClientSetting() {
        assertThat(new KafkaSecuritySettings().clientProperties()).isEmpty();
    }

    @Test
    void saslScramCarriesOnlyReferencesToItsSecrets() throws Exception {
        Path passwordFile = Files.writeString(tmp.resolve("kafka-password"), "s3cret");
        KafkaSecuritySettings security = new KafkaSecuritySettings();
        security.protocol = "SASL_SSL";
        security.username = "nextitem";
        security.passwordFile = passwordFile.toString();
        security.truststore = "/secrets/ca.p12";
        security.truststorePasswordEnv = "TRUSTSTORE_PASSWORD";

        Map<String, String> props = security.clientProperties();
        assertThat(props).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("ssl.truststore.password", "${env:TRUSTSTORE_PASSWORD}")
                .containsEntry("config.providers", "env,dir");
        assertThat(props.get("sasl.jaas.config")).contains("username=\"nextitem\"")
                .contains("password=\"${dir:" + tmp.toAbsolutePath() + ":kafka-password}\"");
        assertThat(String.join(" ", props.values())).doesNotContain("s3cret");
        assertThat(errors(security)).isEmpty();
    }

    @Test
    void everyMissingOrContradictorySecretIsNamed() {
        KafkaSecuritySettings security = new KafkaSecuritySettings();
        security.protocol = "SASL_SSL";
        security.keystore = "/secrets/client.p12";
        security.keystorePasswordEnv = "A";
        security.keystorePasswordFile = tmp.resolve("b").toString();
        assertThat(errors(security)).containsExactlyInAnyOrder(
                "kafka.security.username is required with SASL_SSL",
                "kafka.security.password-env or password-file is required (the secret itself is never written in the config)",
                "kafka.security.keystore-password-env and -file are both set: choose one");

        KafkaSecuritySettings plaintext = new KafkaSecuritySettings();
        plaintext.truststore = "/secrets/ca.p12";
        plaintext.truststorePasswordEnv = "X";
        assertThat(errors(plaintext)).singleElement().asString().contains("protocol is PLAINTEXT");

        KafkaSecuritySettings unknown = new KafkaSecuritySettings();
        unknown.protocol = "SASL_PLAINTEXT";
        assertThat(errors(unknown)).singleElement().asString().contains("SASL_PLAINTEXT");

        KafkaSecuritySettings unreadable = new KafkaSecuritySettings();
        unreadable.protocol = "SSL";
        unreadable.truststore = "/secrets/ca.p12";
        unreadable.truststorePasswordFile = tmp.resolve("missing").toString();
        assertThat(errors(unreadable)).singleElement().asString().contains("is not a readable file");
    }

    @Test
    void theYamlKeysAreKebabCase() {
        JobConfig config = JobConfigLoader.parse(String.join("\n",
                "kafka:",
                "  security:",
                "    protocol: SSL",
                "    truststore: /secrets/ca.p12",
                "    truststore-password-env: TRUSTSTORE_PASSWORD",
                "    keystore: /secrets/client.p12",
                "    keystore-password-env: KEYSTORE_PASSWORD",
                "model:",
                "  registry: /models",
                "checkpoint:",
                "  dir: file:///tmp/cp",
                ""), "test.yaml");
        assertThat(config.kafka.clientProperties()).containsEntry("security.protocol", "SSL")
                .containsEntry("ssl.keystore.password", "${env:KEYSTORE_PASSWORD}")
                .containsEntry("ssl.keystore.location", "/secrets/client.p12");
    }

    private static List<String> errors(KafkaSecuritySettings security) {
        List<String> errors = new ArrayList<>();
        security.validate(errors);
        return errors;
    }
}
