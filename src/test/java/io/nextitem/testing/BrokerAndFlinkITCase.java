package io.nextitem.testing;

import io.nextitem.kafka.LocalKafkaBroker;
import java.nio.file.Path;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every end-to-end test class stands on: one KRaft broker in its own JVM and one Flink
 * MiniCluster (1 task manager, 2 slots: the job's parallelism) for all tests of the class, and a
 * fresh temporary folder per test for checkpoints.
 */
public abstract class BrokerAndFlinkITCase {
    @RegisterExtension
    protected static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2)
                    .build());

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
