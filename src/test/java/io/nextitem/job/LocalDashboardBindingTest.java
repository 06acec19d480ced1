package io.nextitem.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.nextitem.config.JobConfig;
import io.nextitem.tools.kafka.LocalKafkaBroker;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.util.Collections;
import java.util.Optional;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.junit.jupiter.api.Test;

/**
 * A local run's endpoints answer on loopback only: the dashboard (a REST API that can cancel jobs
 * and upload jars) and the Prometheus endpoint (every metric, model versions and dead-letter
 * reasons included).
 */
class LocalDashboardBindingTest {
    @Test
    void theDashboardAndMetricsListenOnLoopbackAndNotOnTheMachinesOtherAddresses() throws Exception {
        int port = LocalKafkaBroker.freePort();
        int metricsPort = LocalKafkaBroker.freePort();
        JobConfig config = new JobConfig();
        config.checkpoint.dir = "file:///tmp/unused";
        org.apache.flink.configuration.Configuration conf = JobEnvironment.localDashboardConfiguration(config, port);
        conf.addAll(JobEnvironment.prometheusReporter(metricsPort));
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(conf).setNumTaskManagers(1).setNumSlotsPerTaskManager(1).build());
        cluster.start();
        try {
            for (int open : new int[] {port, metricsPort}) {
                try (Socket loopback = new Socket()) {
                    loopback.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), open), 5_000);
                    assertThat(loopback.isConnected()).isTrue();
                }
            }
            String metrics = new String(java.net.URI.create("http://127.0.0.1:" + metricsPort + "/metrics").toURL()
                    .openStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(metrics).as("Flink's metric names, as the cluster's reporter writes them")
                    .contains("flink_jobmanager_Status_JVM_Memory_Heap_Used");
            Optional<InetAddress> external = nonLoopbackAddress();
            assumeTrue(external.isPresent(), "this machine has no non-loopback IPv4 address to try");
            for (int closed : new int[] {port, metricsPort}) {
                assertThatThrownBy(() -> {
                    try (Socket outside = new Socket()) {
                        outside.connect(new InetSocketAddress(external.get(), closed), 5_000);
                    }
                }).as("connecting to port " + closed + " through " + external.get()).isInstanceOf(java.io.IOException.class);
            }
        } finally {
            cluster.close();
        }
    }

    private static Optional<InetAddress> nonLoopbackAddress() throws Exception {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (nic.isUp() && !nic.isLoopback()) {
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    if (address instanceof Inet4Address) {
                        return Optional.of(address);
                    }
                }
            }
        }
        return Optional.empty();
    }
}
