package io.nextitem.tools.kafka;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a secured {@link LocalKafkaBroker} is started with: its TLS identity (a PKCS12 keystore
 * whose certificate names localhost, signed by the CA in the truststore), the SCRAM user it
 * creates, and a client keystore (signed by the same CA) for its own readiness check over mutual
 * TLS. For tests and for trying the job's security settings without a cluster.
 */
public record BrokerSecurity(Path brokerKeystore, Path truststore, String storePassword, String scramUser,
                             String scramPassword, Path adminKeystore) {

    /** SASL_SSL (SCRAM-SHA-512) and mutual TLS listeners; the controller listener is only the broker's own. */
    List<String> listenerProperties(int saslPort, int mtlsPort, int controllerPort) {
        return List.of(
                "listeners=SASL_SSL://localhost:" + saslPort + ",SSL://localhost:" + mtlsPort
                        + ",CONTROLLER://localhost:" + controllerPort,
                "advertised.listeners=SASL_SSL://localhost:" + saslPort + ",SSL://localhost:" + mtlsPort,
                "inter.broker.listener.name=SSL",
                "listener.security.protocol.map=CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL,SSL:SSL",
                "sasl.enabled.mechanisms=SCRAM-SHA-512",
                "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config="
                        + "org.apache.kafka.common.security.scram.ScramLoginModule required;",
                "listener.name.ssl.ssl.client.auth=required",
                "ssl.keystore.type=PKCS12",
                "ssl.keystore.location=" + brokerKeystore,
                "ssl.keystore.password=" + storePassword,
                "ssl.key.password=" + storePassword,
                "ssl.truststore.type=PKCS12",
                "ssl.truststore.location=" + truststore,
                "ssl.truststore.password=" + storePassword);
    }

    /** Client settings for the mutual-TLS listener with the admin keystore. */
    Map<String, Object> mtlsClientProperties() {
        return Map.of(
                "security.protocol", "SSL",
                "ssl.truststore.type", "PKCS12",
                "ssl.truststore.location", truststore.toString(),
                "ssl.truststore.password", storePassword,
                "ssl.keystore.type", "PKCS12",
                "ssl.keystore.location", adminKeystore.toString(),
                "ssl.keystore.password", storePassword,
                "ssl.key.password", storePassword);
    }
}
