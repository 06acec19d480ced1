package io.nextitem.testing;

import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What most end-to-end test classes stand on: the broker of {@link BrokerITCase} and one Flink
 * MiniCluster (1 task manager, 2 slots: the job's parallelism) for all tests of the class.
 */
public abstract class BrokerAndFlinkITCase extends BrokerITCase {
    @RegisterExtension
    protected static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2)
                    .build());
}
