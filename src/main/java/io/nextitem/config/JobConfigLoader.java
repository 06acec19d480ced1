package io.nextitem.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a {@link JobConfig} from YAML through the definitions in {@link JobSettings}: each key is
 * looked up, its value read as the definition's type into the definition's field. Unknown keys,
 * retired keys and wrong types are all reported at once, each with its line and what to write.
 */
public final class JobConfigLoader {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> SECTIONS = JobSettings.sections(JobSettings.ALL);

    private JobConfigLoader() {}

    /** Loads and validates; an empty file gives the defaults. */
    public static JobConfig load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new InvalidConfigException(List.of("config file " + file + " does not exist or is not a file"));
        }
        try {
            String text = Files.readString(file);
            return parse(text, file.toString()).validated();
        } catch (IOException e) {
            throw new InvalidConfigException(List.of("cannot read config file " + file + ": " + e.getMessage()));
        }
    }

    /**
     * Writes a config as the YAML {@link #load} reads back, every defined key with its value (a
     * job built in code and submitted to a cluster as a file: the cluster command, the tests of a
     * cluster of processes).
     */
    public static void write(JobConfig config, Path file) throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        for (Setting<?, ?> setting : JobSettings.ALL) {
            String[] path = setting.key().split("\\.");
            Map<String, Object> section = root;
            for (int i = 0; i < path.length - 1; i++) {
                @SuppressWarnings("unchecked")
                Map<String, Object> next = (Map<String, Object>) section.computeIfAbsent(path[i], k -> new LinkedHashMap<>());
                section = next;
            }
            section.put(path[path.length - 1], setting.get(config));
        }
        Files.writeString(file, YAML.writeValueAsString(root));
    }

    /** Parses without validating, so callers can override fields first. */
    public static JobConfig parse(String yamlText, String sourceName) {
        JobConfig config = new JobConfig();
        if (yamlText.isBlank()) {
            return config;
        }
        List<String> problems = new ArrayList<>();
        try (JsonParser parser = YAML.createParser(yamlText)) {
            JsonToken first = parser.nextToken();
            if (first == null || first == JsonToken.VALUE_NULL) {
                return config;
            }
            if (first != JsonToken.START_OBJECT) {
                throw new InvalidConfigException(List.of(sourceName + ": the config must be a map of keys "
                        + "(see docs/configuration.md), not " + (first == JsonToken.START_ARRAY ? "a list" : "a single value")));
            }
            readSection(parser, "", config, sourceName, problems);
        } catch (JsonProcessingException e) {
            throw new InvalidConfigException(List.of(sourceName + ": not valid YAML: " + e.getOriginalMessage()));
        } catch (IOException e) {
            throw new InvalidConfigException(List.of(sourceName + ": cannot read: " + e.getMessage()));
        }
        if (!problems.isEmpty()) {
            throw new InvalidConfigException(problems);
        }
        return config;
    }

    /** Reads the keys of one YAML map (the parser is at its START_OBJECT) under {@code prefix}. */
    /**
     * Sets {@code key=value} assignments on a config through the same definitions a file goes
     * through (the value is a YAML scalar: {@code true}, {@code 16}, {@code 0.25}, {@code text}), so
     * a bench variant or a test can change any setting by its documented key. Every bad assignment
     * is reported at once, unknown keys with the closest real one.
     */
    public static JobConfig override(JobConfig config, List<String> assignments, String sourceName) {
        List<String> problems = new ArrayList<>();
        for (String assignment : assignments) {
            int eq = assignment.indexOf('=');
            String key = eq < 0 ? assignment.strip() : assignment.substring(0, eq).strip();
            Optional<Setting<?, ?>> setting = JobSettings.byKey(key);
            if (eq < 0) {
                problems.add(sourceName + ": '" + assignment + "' is not key=value");
            } else if (setting.isEmpty()) {
                problems.add(sourceName + ": key '" + key + "' is not a job setting"
                        + JobSettings.closest(JobSettings.ALL, key).map(k -> "; did you mean " + k + "?").orElse(""));
            } else {
                try {
                    setting.get().read(config, YAML.readTree(assignment.substring(eq + 1).strip()));
                } catch (IllegalArgumentException | IOException e) {
                    problems.add(sourceName + ": " + e.getMessage());
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidConfigException(problems);
        }
        return config;
    }

    private static void readSection(JsonParser parser, String prefix, JobConfig config, String source,
                                    List<String> problems) throws IOException {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String key = prefix.isEmpty() ? parser.currentName() : prefix + "." + parser.currentName();
            String where = source + " (line " + parser.currentTokenLocation().getLineNr() + ")";
            JsonToken value = parser.nextToken();
            Optional<Setting<?, ?>> setting = JobSettings.byKey(key);
            Optional<JobSettings.RetiredKey> retired = JobSettings.retired(key);
            if (setting.isPresent()) {
                try {
                    setting.get().read(config, tree(parser, value));
                } catch (IllegalArgumentException e) {
                    problems.add(where + ": " + e.getMessage());
                }
            } else if (retired.isPresent()) {
                problems.add(where + ": " + retired.get().message().apply(tree(parser, value)));
            } else if (SECTIONS.contains(key) && value == JsonToken.START_OBJECT) {
                readSection(parser, key, config, source, problems);
            } else if (SECTIONS.contains(key) && value == JsonToken.VALUE_NULL) {
                continue; // an empty section: its keys keep their defaults
            } else if (SECTIONS.contains(key)) {
                parser.skipChildren();
                problems.add(where + ": key '" + key + "' is a section: give it keys (see docs/configuration.md)");
            } else {
                parser.skipChildren();
                problems.add(where + ": key '" + key + "' is not a job setting"
                        + JobSettings.closest(JobSettings.ALL, key).map(k -> "; did you mean " + k + "?").orElse("")
                        + " Every key and its default is in docs/configuration.md");
            }
        }
    }

    private static JsonNode tree(JsonParser parser, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return NullNode.getInstance();
        }
        JsonNode node = parser.readValueAsTree();
        return node == null ? NullNode.getInstance() : node;
    }
}
