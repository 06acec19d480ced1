package io.nextitem.job;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.HTTPServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Properties;
import org.apache.flink.metrics.prometheus.AbstractPrometheusReporter;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * Flink's Prometheus reporter for local runs (demo, `run` with `java -jar`): every metric named
 * and labelled exactly as Flink's own reporter does (it is that reporter's base class), served on
 * the loopback interface only. Flink's PrometheusReporter has no host option and listens on every
 * interface, which a cluster pod needs (Prometheus scrapes it from elsewhere) and a laptop does
 * not: there the metrics would be readable by anyone on the network.
 *
 * <p>The base class registers its collectors in a package-private registry field; it is read by
 * reflection once, and LocalPrometheusEndpointTest fails if a Flink upgrade renames it.
 */
public final class LoopbackPrometheusReporter extends AbstractPrometheusReporter {
    private final HTTPServer server;

    LoopbackPrometheusReporter(int port) {
        try {
            server = new HTTPServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), registryOf(this), true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve Prometheus metrics on 127.0.0.1:" + port + ": " + e.getMessage(), e);
        }
        log.info("Prometheus metrics on http://{}:{}/metrics (loopback only)", InetAddress.getLoopbackAddress().getHostAddress(), port);
    }

    private static CollectorRegistry registryOf(AbstractPrometheusReporter reporter) {
        try {
            Field field = AbstractPrometheusReporter.class.getDeclaredField("registry");
            field.setAccessible(true);
            return (CollectorRegistry) field.get(reporter);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Flink's AbstractPrometheusReporter no longer keeps its metrics in a 'registry' "
                    + "field; LoopbackPrometheusReporter needs updating for this Flink version", e);
        }
    }

    @Override
    public void close() {
        server.stop();
        super.close();
    }

    /** Found by Flink through META-INF/services; named by metrics.reporter.prom.factory.class in local runs. */
    public static final class Factory implements MetricReporterFactory {
        @Override
        public MetricReporter createMetricReporter(Properties properties) {
            return new LoopbackPrometheusReporter(Integer.parseInt(properties.getProperty("port")));
        }
    }
}
