package io.nextitem.tools.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** What a benchmark figure holds only for: the machine it was taken on. */
public final class MachineFacts {
    private MachineFacts() {}

    /** CPU features that move our figures (vector width, int8 dot products, matrix tiles), named in the id. */
    static final List<String> ID_FLAGS = List.of("avx2", "avx512f", "avx512_vnni", "avx512_bf16", "amx_tile");

    public static Map<String, Object> describe() {
        Map<String, Object> facts = new LinkedHashMap<>();
        int cores = Runtime.getRuntime().availableProcessors();
        Integer memory = memoryGib();
        facts.put("machine_id", machineId(cpuModel(), cores, memory, cpuFlags()));
        facts.put("memory_gib", memory);
        facts.put("cores", cores);
        facts.put("cpu_model", cpuModel());
        facts.put("os_arch", System.getProperty("os.arch"));
        facts.put("java", System.getProperty("java.version"));
        return facts;
    }

    /** The commit the figures were taken at (with -dirty for local changes), or "unknown" outside a checkout. */
    public static String commit() {
        try {
            Process git = new ProcessBuilder("git", "describe", "--always", "--dirty", "--abbrev=40")
                    .redirectErrorStream(true).start();
            String out = new String(git.getInputStream().readAllBytes()).trim();
            return git.waitFor() == 0 && !out.isEmpty() ? out : "unknown";
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    /** Resident memory of this JVM (on Linux), in GiB; null where /proc is not there. */
    static Double residentGib() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(line -> line.startsWith("VmRSS:"))
                    .map(line -> Long.parseLong(line.replaceAll("[^0-9]", "")) / (1024.0 * 1024.0))
                    .findFirst().orElse(null);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * {@code <cpu model>-<cores>c-<memory>g[-<flags>]}, lower case, e.g.
     * {@code intel-xeon-2c-24g-avx2-avx512f-avx512-vnni}: tells machines apart in result files and
     * their index. The trainer writes the same id (core/results.py {@code machine_id}); a test holds
     * the two rules together.
     */
    public static String machineId(String model, int cores, Integer memoryGib, Set<String> flags) {
        String name = model.toLowerCase(Locale.ROOT);
        for (String noise : List.of("(r)", "(tm)", " processor", " cpu", "@")) {
            name = name.replace(noise, " ");
        }
        List<String> parts = new ArrayList<>();
        for (String word : name.replaceAll("[^\\p{Alnum}]", " ").trim().split("\\s+")) {
            if (!word.isEmpty()) {
                parts.add(word);
            }
        }
        parts.add(cores + "c");
        parts.add(memoryGib != null ? memoryGib + "g" : "unknown-memory");
        ID_FLAGS.stream().filter(flags::contains).map(f -> f.replace('_', '-')).forEach(parts::add);
        return String.join("-", parts);
    }

    static Set<String> cpuFlags() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(line -> line.startsWith("flags"))
                    .findFirst().map(line -> Set.of(line.substring(line.indexOf(':') + 1).trim().split("\\s+")))
                    .orElse(Set.of());
        } catch (IOException | RuntimeException e) {
            return Set.of();
        }
    }

    /** MemTotal in GiB, rounded; null where /proc is not there. */
    static Integer memoryGib() {
        try {
            return Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(line -> line.startsWith("MemTotal:"))
                    .map(line -> (int) Math.round(Long.parseLong(line.replaceAll("[^0-9]", "")) / (1024.0 * 1024.0)))
                    .findFirst().orElse(null);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(line -> line.startsWith("model name"))
                    .map(line -> line.substring(line.indexOf(':') + 1).trim())
                    .findFirst().orElse("unknown");
        } catch (IOException | RuntimeException e) {
            return "unknown"; // not Linux: the figure still holds, the model name is just not known
        }
    }
}
