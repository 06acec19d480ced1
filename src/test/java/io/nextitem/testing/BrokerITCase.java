package io.nextitem.testing;

import io.nextitem.tools.kafka.LocalKafkaBroker;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * One KRaft broker in its own JVM for all tests of the class, and a fresh temporary folder per
 * test; for end-to-end tests that bring their own Flink cluster (or none).
 */
public abstract class BrokerITCase {
    protected static LocalKafkaBroker broker;

    @TempDir
    protected Path tmp;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = LocalKafkaBroker.start();
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }
}
