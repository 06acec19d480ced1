package io.nextitem.tools.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ConfigurationUtils;
import org.apache.flink.configuration.GlobalConfiguration;

/**
 * The standalone cluster's conf/: the shipped cluster config (deploy/flink/config.yaml) with the
 * overlay of hosts, ports and paths on top (deploy/flink/standalone-overlay.yaml), written as the
 * config.yaml every process of the cluster (and Flink's CLI) reads, plus a log4j config that
 * writes each process's log where Flink's scripts would ({@code -Dlog.file}).
 */
public final class ClusterConfig {
    public static final String BASE = "config.yaml";
    public static final String OVERLAY = "standalone-overlay.yaml";
    /** What an overlay key may set: an address, a host, a port or a folder. */
    private static final Pattern HOST_PORT_OR_PATH = Pattern.compile(
            ".*\\.(address|bind-address|host|bind-host|port|rpc\\.port|dir|dirs|base-path|savepoint-dir)");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private ClusterConfig() {}

    /** The overlay's keys and values, ${cluster.home} replaced; refuses a key that is not a host, port or path. */
    public static Map<String, String> overlay(Path overlayFile, ClusterHome home) throws IOException {
        JsonNode root = YAML.readTree(overlayFile.toFile());
        Map<String, String> entries = new LinkedHashMap<>();
        List<String> refused = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (!isHostPortOrPath(entry.getKey()) || entry.getValue().isContainerNode()) {
                refused.add(entry.getKey());
            }
            entries.put(entry.getKey(), entry.getValue().asText().replace("${cluster.home}", home.root().toString()));
        }
        if (!refused.isEmpty()) {
            throw new IllegalArgumentException(overlayFile + " may only set hosts, ports and paths (flat keys); "
                    + "move " + refused + " into " + BASE + ", which every deployment shares");
        }
        return entries;
    }

    static boolean isHostPortOrPath(String key) {
        return HOST_PORT_OR_PATH.matcher(key).matches();
    }

    /** The shipped config with the overlay and then {@code overrides} (ports chosen at start) on top. */
    public static Configuration merged(Path flinkConfDir, ClusterHome home, Map<String, String> overrides)
            throws IOException {
        Configuration config = GlobalConfiguration.loadConfiguration(flinkConfDir.toString());
        overlay(flinkConfDir.resolve(OVERLAY), home).forEach(config::setString);
        overrides.forEach(config::setString);
        return config;
    }

    /** Writes conf/config.yaml (flat keys, Flink's own writer) and conf/log4j.properties. */
    public static void write(Configuration config, ClusterHome home) throws IOException {
        Files.createDirectories(home.conf());
        List<String> lines = new ArrayList<>();
        lines.add("# Written by `nextitem cluster start` from deploy/flink/" + BASE + " and " + OVERLAY + ".");
        lines.addAll(ConfigurationUtils.convertConfigToWritableLines(config, true));
        Files.write(home.conf().resolve(BASE), lines);
        Files.writeString(home.conf().resolve("log4j.properties"), String.join("\n",
                "# Each process writes its log to -Dlog.file, as under Flink's own scripts.",
                "monitorInterval=30",
                "rootLogger.level=INFO",
                "rootLogger.appenderRef.file.ref=MainAppender",
                "appender.main.name=MainAppender",
                "appender.main.type=File",
                "appender.main.append=true",
                "appender.main.fileName=${sys:log.file}",
                "appender.main.layout.type=PatternLayout",
                "appender.main.layout.pattern=%d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n",
                "logger.kafka.name=org.apache.kafka",
                "logger.kafka.level=WARN",
                ""));
    }
}
