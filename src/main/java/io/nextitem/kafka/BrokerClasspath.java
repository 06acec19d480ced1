package io.nextitem.kafka;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the broker's Maven-resolved classpath file (written by `mvn package` into
 * target/kafka-broker.classpath): the system property {@code nextitem.broker.classpath}, the
 * environment variable {@code NEXTITEM_BROKER_CLASSPATH}, or the file beside the running jar.
 */
final class BrokerClasspath {
    static final String FILE_NAME = "kafka-broker.classpath";

    private BrokerClasspath() {}

    static String read() throws IOException {
        List<Path> candidates = new ArrayList<>();
        String property = System.getProperty("nextitem.broker.classpath");
        if (property != null) {
            candidates.add(Path.of(property));
        }
        String env = System.getenv("NEXTITEM_BROKER_CLASSPATH");
        if (env != null) {
            candidates.add(Path.of(env));
        }
        besideRunningJar().ifPresent(candidates::add);
        candidates.add(Path.of("target", FILE_NAME));
        for (Path candidate : candidates) {
            if (Files.isRegularFile(candidate)) {
                String classpath = Files.readString(candidate).trim();
                if (!classpath.isEmpty()) {
                    return classpath;
                }
            }
        }
        throw new IOException("cannot find the Kafka broker classpath (looked at " + candidates
                + "); run `mvn package` (it writes target/" + FILE_NAME + ") or set NEXTITEM_BROKER_CLASSPATH");
    }

    private static java.util.Optional<Path> besideRunningJar() {
        try {
            Path location = Path.of(BrokerClasspath.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            // target/nextitem.jar and target/classes both sit beside target/kafka-broker.classpath.
            return java.util.Optional.ofNullable(location.getParent()).map(d -> d.resolve(FILE_NAME));
        } catch (URISyntaxException | RuntimeException e) {
            return java.util.Optional.empty();
        }
    }
}
