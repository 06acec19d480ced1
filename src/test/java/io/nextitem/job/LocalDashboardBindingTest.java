package io.nextitem.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.nextitem.config.JobConfig;
import io.nextitem.kafka.LocalKafkaBroker;
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

/** The local dashboard (a REST API that can cancel jobs and upload jars) answers on loopback only. */
class LocalDashboardBindingTest {
    @Test
    void theDashboardListensOnLoopbackAndNotOnTheMachinesOtherAddresses() throws Exception {
        int port = LocalKafkaBroker.freePort();
        JobConfig config = new JobConfig();
        config.checkpoint.dir = "file:///tmp/unused";
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(JobEnvironment.localDashboardConfiguration(config, port))
                .setNumTaskManagers(1).setNumSlotsPerTaskManager(1).build());
        cluster.start();
        try {
            try (Socket loopback = new Socket()) {
                loopback.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
                assertThat(loopback.isConnected()).isTrue();
            }
            Optional<InetAddress> external = nonLoopbackAddress();
            assumeTrue(external.isPresent(), "this machine has no non-loopback IPv4 address to try");
            assertThatThrownBy(() -> {
                try (Socket outside = new Socket()) {
                    outside.connect(new InetSocketAddress(external.get(), port), 5_000);
                }
            }).as("connecting through " + external.get()).isInstanceOf(java.io.IOException.class);
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
