package io.nextitem.tools.cluster;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's kcat (librdkafka), a Kafka client nobody here wrote, reading a topic from its start to
 * its end with read_committed. Values come back length-prefixed ({@code -f '%R%s'}: a 4-byte big
 * endian length, then the bytes), so binary Avro survives the pipe.
 */
final class Kcat {
    private Kcat() {}

    static List<byte[]> readCommitted(String bootstrapServers, String topic) throws IOException, InterruptedException {
        Process kcat = new ProcessBuilder("kcat", "-C", "-b", bootstrapServers, "-t", topic, "-o", "beginning", "-e",
                "-q", "-X", "isolation.level=read_committed", "-f", "%R%s").redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        byte[] out = kcat.getInputStream().readAllBytes();
        if (!kcat.waitFor(60, TimeUnit.SECONDS) || kcat.exitValue() != 0) {
            throw new IOException("kcat failed on " + topic + " (exit " + (kcat.isAlive() ? "none" : kcat.exitValue())
                    + "); deploy/bin/test installs it (deploy/debian-packages.txt)");
        }
        List<byte[]> values = new ArrayList<>();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(out))) {
            while (in.available() > 0) {
                byte[] value = new byte[in.readInt()];
                in.readFully(value);
                values.add(value);
            }
        }
        return values;
    }
}
