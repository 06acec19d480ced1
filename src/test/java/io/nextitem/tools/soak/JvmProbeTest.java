package io.nextitem.tools.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The probe on a JVM of its own (a child process that allocates and collects), as the soak reads a TaskManager. */
class JvmProbeTest {
    @Test
    void readsResidentMemoryAndHeapAfterGcOfAnotherJvm() throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // Keeps 64 MiB live while young collections run: heap after GC must show them (a probe that
        // reads the pools' "collection usage" reads 0 for them: under G1 the old generation's is
        // only updated by old collections), RSS must exceed them.
        String program = "class Holder { public static void main(String[] a) throws Exception {"
                + " byte[][] live = new byte[64][]; for (int i = 0; i < 64; i++) live[i] = new byte[1 << 20];"
                + " long junk = 0; for (int i = 0; i < 200_000; i++) junk += new byte[10_000].length;"   // young collections only
                + " System.out.println(\"ready\"); Thread.sleep(60_000); System.out.println(live.length + junk); } }";
        Path source = java.nio.file.Files.createTempDirectory("probe").resolve("Holder.java");
        java.nio.file.Files.writeString(source, program);
        Process child = new ProcessBuilder(javaBin, "-Xmx256m", "-XX:+UseG1GC", source.toString()).start();
        try {
            var out = new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream()));
            assertThat(out.readLine()).isEqualTo("ready");
            try (JvmProbe probe = new JvmProbe(child.pid())) {
                long mib = 1024 * 1024;
                assertThat(probe.heapAfterGcBytes() / mib).as("MiB of heap after GC").isBetween(64L, 256L);   // 64 live, plus the source launcher's compiler
                assertThat(probe.rssBytes() / mib).as("MiB resident").isGreaterThan(64);
            }
        } finally {
            child.destroyForcibly().waitFor();
        }
    }
}
