package io.nextitem.kafka;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.KafkaException;

/**
 * Asks the cluster for its brokers before a command does anything else. Kafka clients retry an
 * unreachable broker quietly and for long (a producer blocks up to max.block.ms per send, a
 * consumer polls forever), so without this a mistyped address looks like a hang: `replay` printed
 * nothing for a minute. Here it is one line, naming the address, within the timeout.
 */
public final class BrokerReachability {
    /** Short enough that a user hears within 30 s, long enough for a broker that is still starting. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);

    private BrokerReachability() {}

    /**
     * @param source where the address came from, for the message (e.g. "--bootstrap-servers")
     * @throws IOException naming the servers when no broker answered within {@code timeout}
     */
    public static void require(String bootstrapServers, Map<String, ?> clientProperties, Duration timeout, String source)
            throws IOException {
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        String what = "cannot reach a Kafka broker at " + bootstrapServers + " (" + source + ")";
        try (Admin admin = Admin.create(props)) {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()))
                    .nodes().get(timeout.toMillis() + 2_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IOException(what + " within " + timeout.toSeconds() + " s: " + e.getCause().getMessage(), e);
        } catch (TimeoutException e) {
            throw new IOException(what + ": no answer within " + timeout.toSeconds() + " s", e);
        } catch (KafkaException e) {
            throw new IOException(what + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(what + ": interrupted", e);
        }
    }
}
