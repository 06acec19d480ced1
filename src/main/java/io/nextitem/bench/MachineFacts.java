package io.nextitem.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** What a benchmark figure holds only for: the machine it was taken on (EVALUATION.md). */
final class MachineFacts {
    private MachineFacts() {}

    static Map<String, Object> describe() {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("cores", Runtime.getRuntime().availableProcessors());
        facts.put("cpu_model", cpuModel());
        facts.put("os_arch", System.getProperty("os.arch"));
        facts.put("java", System.getProperty("java.version"));
        return facts;
    }

    private static String cpuModel() {
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
