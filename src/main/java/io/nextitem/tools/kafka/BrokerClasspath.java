package io.nextitem.tools.kafka;

import io.nextitem.tools.build.BuildOutputs;
import java.io.IOException;

/**
 * The broker's Maven-resolved classpath (written by `mvn package` into
 * target/kafka-broker.classpath): the system property {@code nextitem.broker.classpath}, the
 * environment variable {@code NEXTITEM_BROKER_CLASSPATH}, or the file beside the running jar.
 */
final class BrokerClasspath {
    static final String FILE_NAME = "kafka-broker.classpath";

    private BrokerClasspath() {}

    static String read() throws IOException {
        return BuildOutputs.readClasspath(FILE_NAME, "nextitem.broker.classpath", "NEXTITEM_BROKER_CLASSPATH");
    }
}
