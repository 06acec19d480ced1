package io.nextitem.testing;

import io.nextitem.tools.cluster.StandaloneCluster;
import io.nextitem.tools.kafka.LocalKafkaBroker;
import java.io.IOException;
import java.nio.file.Path;

/** Standalone clusters for tests: the shipped config and overlay, in the test's folder, on free REST and RPC ports. */
public final class TestClusters {
    private TestClusters() {}

    public static StandaloneCluster.Options options(Path home) throws IOException {
        StandaloneCluster.Options options = new StandaloneCluster.Options();
        options.home = home;
        options.flinkConfDir = Path.of("deploy", "flink");
        options.restPort = LocalKafkaBroker.freePort();
        options.rpcPort = LocalKafkaBroker.freePort();
        return options;
    }
}
