package io.nextitem.cli;

import io.nextitem.kafka.BrokerReachability;

import io.nextitem.config.JobConfig;
import io.nextitem.config.JobConfigLoader;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where the command-line tools connect: a broker list alone (a local, unsecured broker), or the
 * job's own config file, whose kafka.bootstrap-servers, kafka.security and kafka.properties
 * then apply as they do to the job (a secured cluster needs no second copy of its settings).
 */
public final class KafkaClientOptions {
    @Option(names = "--bootstrap-servers", description = "Broker list. Default: the --config file's, else localhost:9092.")
    String bootstrapServers;

    @Option(names = "--config", paramLabel = "FILE",
            description = "The job's YAML config: its Kafka cluster, security settings and client properties.")
    Path config;

    private JobConfig loaded;

    public String bootstrapServers() {
        if (bootstrapServers != null) {
            return bootstrapServers;
        }
        return config == null ? "localhost:9092" : job().kafka.bootstrapServers;
    }

    /** Client settings (security first, then kafka.properties) from --config; none without it. */
    public Map<String, String> clientProperties() {
        return config == null ? Map.of() : job().kafka.clientProperties();
    }

    /** Fails within {@link BrokerReachability#DEFAULT_TIMEOUT}, naming the servers, when no broker answers. */
    public void requireReachable() throws java.io.IOException {
        String source = bootstrapServers != null ? "--bootstrap-servers"
                : config != null ? "kafka.bootstrap-servers in " + config : "the default; set --bootstrap-servers";
        BrokerReachability.require(bootstrapServers(), clientProperties(), BrokerReachability.DEFAULT_TIMEOUT, source);
    }

    private JobConfig job() {
        if (loaded == null) {
            loaded = JobConfigLoader.load(config);
        }
        return loaded;
    }
}
