package io.nextitem.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.nextitem.testing.ChildProcess;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * What `mvn package` writes, read as a cluster and an operator get it: target/nextitem-job.jar holds
 * only what a cluster runs (no tool: bench, reliability, soak, demo, replay, the local cluster or
 * broker, nor the demo's model), none of its classes names a tool class, and its entry starts on
 * the classpath of a cluster's lib/ with the job's commands; target/nextitem.jar keeps every command.
 */
class JobJarITCase {
    private static final Path JOB_JAR = Path.of("target", "nextitem-job.jar");
    private static final Path STANDALONE_JAR = Path.of("target", "nextitem.jar");
    private static final String TOOLS = "io/nextitem/tools/";
    private static final List<String> TOOL_PACKAGES = List.of("bench", "reliability", "soak", "demo", "replay");
    private static final List<String> TOOL_COMMANDS = List.of("demo", "replay", "tail", "bench-encoder", "bench",
            "reliability", "cluster", "soak", "config", "ann-compare", "index", "docs");

    @Test
    void theJobJarHoldsNoTool() throws IOException {
        List<String> entries = entries(JOB_JAR);
        assertThat(entries).as("the job's own classes are there").contains("io/nextitem/cli/NextItemCli.class",
                "io/nextitem/job/NextItemJob.class", "io/nextitem/inference/RequestInputs.class");
        assertThat(toolEntries(entries)).as(JOB_JAR + ": tool classes and the demo's files").isEmpty();
        // The same listing finds them where they belong: the check above can fail.
        assertThat(toolEntries(entries(STANDALONE_JAR))).as(STANDALONE_JAR + ": the tools")
                .contains(TOOLS + "bench/BenchSuite.class", TOOLS + "reliability/ReliabilitySuite.class",
                        TOOLS + "soak/SoakRun.class", TOOLS + "demo/DemoRunner.class", "nextitem/demo/clicks.csv.gz");
    }

    /** The standalone jar is for Linux x64 (ONNX Runtime's GPU jar has natives for no other Linux): it keeps
     *  those natives, CUDA provider included, and leaves out Windows's and other platforms' RocksDB. */
    @Test
    void theStandaloneJarCarriesTheLinuxX64NativesOnly() throws IOException {
        List<String> natives = entries(STANDALONE_JAR).stream()
                .filter(e -> e.startsWith("ai/onnxruntime/native/") || e.startsWith("librocksdbjni")).toList();
        assertThat(natives).contains("ai/onnxruntime/native/linux-x64/libonnxruntime.so",
                "ai/onnxruntime/native/linux-x64/libonnxruntime_providers_cuda.so", "librocksdbjni-linux64.so");
        assertThat(natives).noneMatch(e -> e.contains("win-x64") || e.endsWith(".dll") || e.contains("osx"));
    }

    @Test
    void noJobClassNamesAToolClass() throws IOException {
        List<String> referring = new ArrayList<>();
        byte[] tools = TOOLS.getBytes(StandardCharsets.UTF_8);
        try (JarFile jar = new JarFile(JOB_JAR.toFile())) {
            for (JarEntry entry : jar.stream().filter(e -> e.getName().startsWith("io/nextitem/")
                    && e.getName().endsWith(".class")).toList()) {
                // A class's constant pool holds the names of the classes it uses, as UTF-8.
                if (indexOf(jar.getInputStream(entry).readAllBytes(), tools) >= 0) {
                    referring.add(entry.getName());
                }
            }
        }
        assertThat(referring).as("classes of " + JOB_JAR + " that would load a tool class missing from it").isEmpty();
    }

    @Test
    void theJobJarsEntryStartsOnAClustersLibWithTheJobsCommands() throws Exception {
        try (JarFile jar = new JarFile(JOB_JAR.toFile())) {
            assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class")).isEqualTo("io.nextitem.cli.NextItemCli");
        }
        // lib/ of the standalone cluster: Flink's modules and ONNX Runtime (target/flink-lib.classpath, flink-layout).
        String lib = Files.readString(Path.of("target", "flink-lib.classpath")).trim() + File.pathSeparator
                + Path.of("target", "flink-layout", "lib", "onnxruntime_gpu.jar");
        ChildProcess.Result help = ChildProcess.run(List.of(java(), "-cp", lib + File.pathSeparator + JOB_JAR,
                "io.nextitem.cli.NextItemCli", "--help"), Duration.ofSeconds(60));
        assertThat(help.exit()).as(help.output()).isZero();
        assertThat(commands(help.output())).containsExactly("run", "model", "items");
    }

    @Test
    void theStandaloneJarKeepsEveryCommand() throws Exception {
        ChildProcess.Result help = ChildProcess.run(List.of(java(), "-jar", STANDALONE_JAR.toString(), "--help"),
                Duration.ofSeconds(60));
        assertThat(help.exit()).as(help.output()).isZero();
        List<String> expected = new ArrayList<>(List.of("run", "model", "items"));
        expected.addAll(TOOL_COMMANDS);
        assertThat(commands(help.output())).containsExactlyElementsOf(expected);
    }

    @Test
    void composesReplayRunsAJarThatHoldsTheReplayCommand() throws Exception {
        JsonNode replay = new ObjectMapper(new YAMLFactory()).readTree(Path.of("docker-compose.yml").toFile())
                .path("services").path("replay");
        List<String> entrypoint = new ArrayList<>();
        replay.path("entrypoint").forEach(e -> entrypoint.add(e.asText()));
        assertThat(entrypoint).as("replay's entrypoint").startsWith("java", "-jar");
        String jarInImage = entrypoint.get(2);
        // The image's jar is a build output the service's Dockerfile copies in: find which.
        Path dockerfile = Path.of(replay.path("build").path("dockerfile").asText());
        String copy = Files.readAllLines(dockerfile).stream().filter(l -> l.startsWith("COPY ") && l.endsWith(" " + jarInImage))
                .findFirst().orElseThrow(() -> new AssertionError(dockerfile + " copies nothing to " + jarInImage));
        Path built = Path.of(copy.split("\\s+")[1]);
        assertThat(entries(built)).as(built + ", run by compose's replay").contains(TOOLS + "cli/ReplayCommand.class");
        List<String> command = new ArrayList<>();
        replay.path("command").forEach(e -> command.add(e.asText()));
        String events = command.get(command.indexOf("--events") + 1);
        assertThat(Files.readAllLines(dockerfile)).as(dockerfile + " copies the clicks replay reads")
                .anyMatch(l -> l.startsWith("COPY ") && l.endsWith(" " + events));
    }

    private static List<String> toolEntries(List<String> entries) {
        return entries.stream().filter(name -> name.startsWith(TOOLS) || name.startsWith("nextitem/demo/")
                || TOOL_PACKAGES.stream().anyMatch(p -> name.startsWith("io/nextitem/") && name.contains("/" + p + "/")))
                .toList();
    }

    private static List<String> entries(Path jar) throws IOException {
        assertThat(jar).as("run `mvn package` first").exists();
        try (JarFile file = new JarFile(jar.toFile())) {
            return file.stream().map(JarEntry::getName).toList();
        }
    }

    /** The subcommand names picocli's usage lists under "Commands:". */
    private static List<String> commands(String usage) {
        String listed = usage.substring(usage.indexOf("Commands:") + "Commands:".length());
        return listed.lines().filter(l -> l.startsWith("  ") && !l.startsWith("    ") && !l.isBlank())
                .map(l -> l.strip().split("\\s+")[0]).toList();
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
