package io.nextitem.config;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** Reads a {@link JobConfig} from YAML, rejecting unknown keys and wrong types by name. */
public final class JobConfigLoader {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
            .setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.PUBLIC_ONLY)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);

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
     * Writes a config as the YAML {@link #load} reads back (a job built in code and submitted to a
     * cluster as a file: the cluster command, the tests of a cluster of processes).
     */
    public static void write(JobConfig config, Path file) throws IOException {
        Files.writeString(file, YAML.copy().setVisibility(PropertyAccessor.GETTER, JsonAutoDetect.Visibility.NONE)
                .setVisibility(PropertyAccessor.IS_GETTER, JsonAutoDetect.Visibility.NONE)
                .writeValueAsString(config));
    }

    /** Parses without validating, so callers can override fields first. */
    public static JobConfig parse(String yamlText, String sourceName) {
        if (yamlText.isBlank()) {
            return new JobConfig();
        }
        try {
            JobConfig config = YAML.readValue(yamlText, JobConfig.class);
            return config == null ? new JobConfig() : config;
        } catch (JsonMappingException e) {
            String key = e.getPath().stream()
                    .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : String.valueOf(ref.getIndex()))
                    .collect(Collectors.joining("."));
            String line = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
            throw new InvalidConfigException(List.of(sourceName + line + ": key '" + key + "': "
                    + e.getOriginalMessage().split("\n")[0]
                    + ". Known keys and their defaults are in deploy/nextitem.yaml"));
        } catch (IOException e) {
            throw new InvalidConfigException(List.of(sourceName + ": not valid YAML: " + e.getMessage()));
        }
    }
}
