package io.nextitem.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.File;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.FallbackKey;
import org.apache.flink.configuration.GlobalConfiguration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The cluster keys we ship (deploy/flink/config.yaml, the FlinkDeployment's flinkConfiguration)
 * checked against Flink's own option definitions, read by reflection from every {@code *Options}
 * class of the Flink jars on the classpath: no deprecated key (Flink 2.2 still reads
 * {@code state.savepoints.dir} but warns, and a later release drops it), no key Flink does not
 * know (a typo is silently ignored by a cluster), and the Java 17 options the distribution's own
 * config.yaml carries, the same in both files.
 */
class FlinkConfigKeysTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** Key → what replaces it, for every deprecated key Flink declares. */
    private static final Map<String, String> DEPRECATED = new HashMap<>();
    private static final Map<String, ConfigOption<?>> CURRENT = new HashMap<>();

    @BeforeAll
    static void readFlinksOptions() throws IOException {
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String name = Path.of(entry).getFileName().toString();
            if (!name.startsWith("flink-") || !name.endsWith(".jar")) {
                continue;
            }
            try (JarFile jar = new JarFile(entry)) {
                for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                    String file = e.nextElement().getName();
                    if (file.endsWith("Options.class") && !file.contains("$")) {
                        collect(file.substring(0, file.length() - ".class".length()).replace('/', '.'));
                    }
                }
            }
        }
        assertThat(CURRENT).as("Flink's options were found").containsKeys(
                "execution.checkpointing.savepoint-dir", "state.changelog.storage", "env.java.opts.all");
        assertThat(DEPRECATED).containsKey("state.savepoints.dir");
    }

    private static void collect(String className) {
        Class<?> options;
        try {
            options = Class.forName(className, false, FlinkConfigKeysTest.class.getClassLoader());
        } catch (Throwable notLoadable) {
            return;
        }
        Field[] fields;
        try {
            fields = options.getDeclaredFields();
        } catch (Throwable fieldTypesNotLoadable) {
            return;
        }
        for (Field field : fields) {
            if (!Modifier.isStatic(field.getModifiers()) || !ConfigOption.class.isAssignableFrom(field.getType())) {
                continue;
            }
            try {
                field.setAccessible(true);
                ConfigOption<?> option = (ConfigOption<?>) field.get(null);
                if (field.isAnnotationPresent(Deprecated.class)) {
                    DEPRECATED.putIfAbsent(option.key(), "(the whole option is deprecated in " + className + ")");
                } else {
                    CURRENT.put(option.key(), option);
                }
                for (FallbackKey fallback : option.fallbackKeys()) {
                    if (fallback.isDeprecated()) {
                        DEPRECATED.put(fallback.getKey(), option.key());
                    }
                }
            } catch (Throwable unreadable) {
                // An options class whose static init needs what is not on the test classpath.
            }
        }
    }

    @Test
    void theClusterConfigUsesOnlyCurrentKeys() {
        assertCurrent(clusterConfig(), "deploy/flink/config.yaml");
    }

    @Test
    void theFlinkDeploymentUsesOnlyCurrentKeys() throws IOException {
        Map<String, String> keys = new TreeMap<>();
        flinkDeployment().path("spec").path("flinkConfiguration").fields()
                .forEachRemaining(e -> keys.put(e.getKey(), e.getValue().asText()));
        keys.keySet().removeIf(k -> k.startsWith("kubernetes.operator."));   // the operator's own keys
        assertCurrent(keys, "deploy/k8s/flinkdeployment.yaml");
    }

    @Test
    void bothFilesCarryTheJava17Options() throws IOException {
        String clusterOpts = clusterConfig().get("env.java.opts.all");
        assertThat(clusterOpts).as("the distribution's Java 17 options")
                .contains("--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.lang=ALL-UNNAMED",
                        "--add-exports=java.base/sun.net.util=ALL-UNNAMED");
        assertThat(flinkDeployment().path("spec").path("flinkConfiguration").path("env.java.opts.all").asText())
                .isEqualTo(clusterOpts);
    }

    @Test
    void aDeprecatedOrUnknownKeyIsFound() {
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("state.savepoints.dir", "file:///x");
        bad.put("taskmanager.numberOfTaskSlot", "2");
        assertThat(problems(bad)).hasSize(2)
                .anySatisfy(p -> assertThat(p).contains("state.savepoints.dir", "execution.checkpointing.savepoint-dir"))
                .anySatisfy(p -> assertThat(p).contains("taskmanager.numberOfTaskSlot", "unknown"));
    }

    private static void assertCurrent(Map<String, String> keys, String file) {
        assertThat(problems(keys)).as(file).isEmpty();
    }

    private static java.util.List<String> problems(Map<String, String> keys) {
        java.util.List<String> problems = new java.util.ArrayList<>();
        for (String key : keys.keySet()) {
            if (DEPRECATED.containsKey(key)) {
                problems.add(key + " is deprecated; use " + DEPRECATED.get(key));
            } else if (!CURRENT.containsKey(key) && !key.matches("metrics\\.reporter\\.[^.]+\\..+")) {
                problems.add(key + " is unknown to Flink");
            }
        }
        return problems;
    }

    private static Map<String, String> clusterConfig() {
        return new TreeMap<>(GlobalConfiguration.loadConfiguration("deploy/flink").toMap());
    }

    private static JsonNode flinkDeployment() throws IOException {
        return YAML.readTree(Path.of("deploy/k8s/flinkdeployment.yaml").toFile());
    }
}
